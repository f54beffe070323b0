import { Controller, Get, HttpStatus, Res, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { Public } from '@core/auth/auth.decorators';
import { ReadinessState } from './readiness-state';
import { RedisHealthIndicator } from './redis.health';

/** Kubernetes probes. Liveness checks nothing outside the process, so a database outage
 * makes pods unready (no traffic) instead of restarting them all in a loop. */
@ApiTags('health')
@Public()
@SkipThrottle()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly postgres: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly readiness: ReadinessState,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis reachable, not shutting down' })
  @ApiResponse({
    status: 503,
    description: 'A dependency is down or the pod is draining; details in the body',
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.postgres.pingCheck('postgres', { timeout: 1_500 }),
        () => this.redis.pingCheck('redis'),
        () =>
          this.readiness.isDraining
            ? this.indicators.check('lifecycle').down({ message: 'shutting down' })
            : this.indicators.check('lifecycle').up(),
      ]);
    } catch (error) {
      // Terminus signals "not ready" by throwing a 503 carrying the full result.
      const result = (error as { getResponse?: () => HealthCheckResult }).getResponse?.();
      if (!result) throw error;
      void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
      return result;
    }
  }
}
