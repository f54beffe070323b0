import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';

/**
 * Buckets requests per tenant (admin and anonymous callers by client IP), shared by all
 * routes of one throttler name, so a tenant's budget is the same whichever pod or route it
 * hits. Route classes with their own budget declare a named throttler.
 */
@Injectable()
export class TenantThrottlerGuard extends ThrottlerGuard {
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
}
