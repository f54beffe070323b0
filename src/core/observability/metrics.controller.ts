import { Controller, Get, Res, UseGuards, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import { Public } from '@core/auth/auth.decorators';
import { MetricsTokenGuard } from './metrics-token.guard';

/**
 * GET /metrics for Prometheus, with the scrape token of METRICS_TOKEN instead of a tenant
 * credential. Keep it off the public ingress all the same (docker/k8s expose it to the
 * cluster only).
 */
@ApiExcludeController()
@Public()
@SkipThrottle()
@UseGuards(MetricsTokenGuard)
@Controller({ version: VERSION_NEUTRAL })
export class MetricsController extends PrometheusController {
  @Get()
  override index(@Res({ passthrough: true }) response: unknown): Promise<string> {
    return super.index(response);
  }
}
