import { Body, Get, Header, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import { AppConfig } from '@config/app-config';
import type { FastifyReply } from 'fastify';
import { register } from 'prom-client';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { CurrentPrincipal, RequireRole } from '@core/auth/auth.decorators';
import type { Principal } from '@core/auth/principal';
import { ForbiddenError } from '@core/errors/domain-error';
import type { BreakerKey } from '@core/resilience/breaker-key';
import type { ClusterCircuit } from '@core/resilience/circuit-board';
import { CircuitsService } from './circuits/circuits.service';
import { HubHealthEntry, HubHealthReport, HubHealthService } from './health/hub-health.service';
import { ResetCircuitsDto } from './hub-health.dto';
import { HubMetricsReport, HubMetricsService } from './metrics/hub-metrics.service';
import { scopeOf } from './scope';

/**
 * The ops view of every hub: health, circuits as the whole cluster sees them, call metrics.
 * An admin sees every tenant's accounts; a tenant credential sees and resets its own.
 */
@ApiV2Controller('hub', 'hub health')
@RequireRole('admin', 'tenant')
export class HubHealthController {
  constructor(
    private readonly health: HubHealthService,
    private readonly circuits: CircuitsService,
    private readonly metrics: HubMetricsService,
    private readonly config: AppConfig,
  ) {}

  @Get('health')
  @ApiOperation({
    summary: 'Every hub: healthy / degraded / down, per provider and account',
    description:
      'One entry per registered hub. Per account: circuit state (worst on any live pod, and ' +
      'per pod), last success and failure, error rate and p95 latency over 5 minutes, ' +
      'outbound backlog, whether it needs re-authorisation. Calls no platform.',
  })
  @ApiOkResponse({ description: 'The report' })
  report(@CurrentPrincipal() principal: Principal): Promise<HubHealthReport> {
    return this.health.report(scopeOf(principal));
  }

  @Get('health/:hub')
  @ApiOperation({ summary: 'One hub, as in GET /hub/health' })
  @ApiOkResponse({ description: 'The hub' })
  @ApiProblems(404)
  hub(
    @CurrentPrincipal() principal: Principal,
    @Param('hub') hub: string,
  ): Promise<HubHealthEntry> {
    return this.health.hub(hub, scopeOf(principal));
  }

  @Get('circuit-breaker/status')
  @ApiOperation({
    summary: 'Circuits known to the cluster, with each pod’s state',
    description:
      'Breakers live in each pod; every pod publishes its transitions, and this reads them ' +
      'all. A circuit is as bad as its worst live pod. Pods that stopped are left out.',
  })
  circuitStatus(@CurrentPrincipal() principal: Principal): Promise<ClusterCircuit[]> {
    return this.circuits.status(scopeOf(principal));
  }

  @Post('circuit-breaker/:hub/reset')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Close circuits of a hub on every pod (optionally one provider or account)',
    description: 'Audited. A tenant resets only its own accounts’ circuits.',
  })
  @ApiProblems(400, 404, 503)
  reset(
    @CurrentPrincipal() principal: Principal,
    @Param('hub') hub: string,
    @Body() body: ResetCircuitsDto,
  ): Promise<{ reset: BreakerKey[] }> {
    return this.circuits.reset(principal, { hub, ...body });
  }

  @Get('metrics')
  @ApiOperation({
    summary: 'Per hub over 5 minutes: requests, successes, failures by code, p50/p95/p99',
  })
  metricsSummary(@CurrentPrincipal() principal: Principal): Promise<HubMetricsReport> {
    return this.metrics.summary(scopeOf(principal));
  }

  @Get('metrics/prometheus')
  @RequireRole('admin')
  @ApiOperation({
    summary: 'This pod’s Prometheus exposition, as GET /metrics serves it (admin)',
    description:
      'Labels name every tenant’s accounts, so only the admin key reads it here. Refused ' +
      'like /metrics while METRICS_TOKEN is unset (metrics are then disabled).',
  })
  @ApiProduces('text/plain')
  @Header('cache-control', 'no-store')
  async prometheus(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    if (!this.config.http.metricsToken) {
      throw new ForbiddenError('Set METRICS_TOKEN to serve metrics', 'METRICS.DISABLED');
    }
    void reply.header('content-type', register.contentType);
    return register.metrics();
  }
}
