import { Injectable } from '@nestjs/common';
import type { RetryPolicy } from 'cockatiel';
import { BreakerKey } from './breaker-key';
import { CircuitBreakerRegistry } from './circuit-breaker.registry';
import { RetryPolicyFactory } from './retry-policy';

/**
 * A platform call with retry and circuit breaker, composed as retry(outer) → breaker(inner):
 *
 * - every attempt passes through the breaker, so each failed attempt counts towards opening it
 *   (breaker outside would count a whole retried call as one failure, and open far too late);
 * - once the circuit opens mid-retry, the next attempt gets CircuitOpenError, which is not
 *   retryable, so the retries stop at once instead of sleeping on a provider known to be down.
 */
@Injectable()
export class ResilientCaller {
  constructor(
    private readonly breakers: CircuitBreakerRegistry,
    private readonly retries: RetryPolicyFactory,
  ) {}

  call<T>(
    key: BreakerKey,
    fn: () => Promise<T>,
    retry: RetryPolicy = this.retries.default,
  ): Promise<T> {
    return retry.execute(() => this.breakers.execute(key, fn));
  }
}
