import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '@core/errors/domain-error';

/**
 * Buckets requests per tenant (anonymous callers of public routes by client IP), shared by
 * all routes of one throttler name, so a tenant's budget is the same whichever pod or route
 * it hits. Route classes with their own budget declare a named throttler. The admin key is
 * not limited: operators must be able to act during an incident. Platform webhooks opt out
 * with @SkipThrottle: refusing a platform's delivery only makes it retry harder.
 */
@Injectable()
export class TenantThrottlerGuard extends ThrottlerGuard {
  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    const { principal } = context.switchToHttp().getRequest<FastifyRequest>();
    return Promise.resolve(principal?.role === 'admin');
  }

  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const { principal, ip } = request as unknown as FastifyRequest;
    return Promise.resolve(
      principal?.role === 'tenant' ? `tenant:${principal.tenantId}` : `ip:${ip}`,
    );
  }

  protected override generateKey(
    _context: unknown,
    tracker: string,
    throttlerName: string,
  ): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    throw new DomainError(
      'RATE_LIMIT.EXCEEDED',
      'rate-limited',
      `Rate limit of ${detail.limit} requests per ${Math.round(detail.ttl / 1000)} s reached; retry in ${seconds} s`,
      { retryAfterSeconds: seconds },
    );
  }
}
