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
import { HubIndicatorRegistry } from './hub-indicator.registry';
import { MigrationsHealthIndicator } from './migrations.health';
import { ReadinessState } from './readiness-state';
import { RedisHealthIndicator } from './redis.health';

/** Kubernetes probes. Liveness checks nothing outside the process, so a database outage
 * makes pods unready (no traffic) instead of restarting them all in a loop. Readiness is about
 * this pod only (PostgreSQL, Redis, schema current, not draining), never about a platform:
 * a Meta outage must not take every pod out of the load balancer; /health/hubs tells that. */
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
    private readonly migrations: MigrationsHealthIndicator,
    private readonly hubs: HubIndicatorRegistry,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: PostgreSQL and Redis reachable, migrations applied, not shutting down',
  })
  @ApiResponse({
    status: 503,
    description:
      'A dependency is down, migrations are pending or the pod is draining; details in the body',
  })
  ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return this.run(reply, [
      () => this.postgres.pingCheck('postgres', { timeout: 1_500 }),
      () => this.redis.pingCheck('redis'),
      () => this.migrations.check('migrations'),
      () =>
        this.readiness.isDraining
          ? this.indicators.check('lifecycle').down({ message: 'shutting down' })
          : this.indicators.check('lifecycle').up(),
    ]);
  }

  @Get('hubs')
  @ApiOperation({
    summary: 'Platform state per hub, one indicator contributed by each hub module',
    description:
      'Not a Kubernetes probe: 503 means a hub is down, not this pod. Counts only; ' +
      'per-account detail is at GET /api/v2/hub/health. Results are cached for 15 s.',
  })
  @ApiResponse({ status: 503, description: 'At least one hub is down; details in the body' })
  hubStates(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return this.run(reply, this.hubs.checks());
  }

  private async run(
    reply: FastifyReply,
    checks: Parameters<HealthCheckService['check']>[0],
  ): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      // Terminus signals "not ready" by throwing a 503 carrying the full result.
      const result = (error as { getResponse?: () => HealthCheckResult }).getResponse?.();
      if (!result) throw error;
      void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
      return result;
    }
  }
}
