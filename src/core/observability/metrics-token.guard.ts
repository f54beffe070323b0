import { AppConfig } from '@config/app-config';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from '@core/auth/bearer-token';
import { StaticToken } from '@core/auth/static-token';
import { ForbiddenError, UnauthenticatedError } from '@core/errors/domain-error';

/**
 * GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`: its labels name channel accounts
 * by id, and an Evolution account's id is its webhook URL. Without a configured token the
 * endpoint is refused rather than open, so a deployment that forgets it exposes nothing.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly token?: StaticToken;

  constructor(config: AppConfig) {
    const { metricsToken } = config.http;
    this.token = metricsToken ? new StaticToken(metricsToken) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.token) {
      throw new ForbiddenError('Set METRICS_TOKEN to serve /metrics', 'METRICS.DISABLED');
    }
    if (!this.token.matches(bearerToken(context.switchToHttp().getRequest<FastifyRequest>()))) {
      throw new UnauthenticatedError(
        'Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>"',
        'METRICS.TOKEN_REQUIRED',
      );
    }
    return true;
  }
}
