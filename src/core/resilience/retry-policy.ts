import { AppConfig } from '@config/app-config';
import { Injectable } from '@nestjs/common';
import { DelegateBackoff, IRetryBackoffContext, RetryPolicy, handleWhen, retry } from 'cockatiel';
import { isRetryable } from '@core/errors/platform-error';
import { DEFAULT_MAX_DELAY_MS, RetrySettings, requestedWaitMs, retryDelayMs } from './retry-delay';

/**
 * A cockatiel retry policy that retries only retryable platform failures (timeouts, network,
 * 5xx, 429), with exponential backoff and jitter, honouring Retry-After. Anything else, a
 * permanent 4xx or a CircuitOpenError included, fails at once.
 *
 * Each retry emits `policy.onRetry({ delay, attempt, error })` before sleeping: log from there,
 * and tests observe the requested waits there.
 */
export function retryPolicy(settings: RetrySettings): RetryPolicy {
  const maxDelayMs = settings.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  return retry(
    handleWhen((error) => isRetryable(error) && requestedWaitMs(error) <= maxDelayMs),
    {
      // cockatiel counts retries after the first call; our setting counts attempts in all.
      maxAttempts: Math.max(0, settings.maxAttempts - 1),
      backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) =>
        retryDelayMs(
          context.attempt,
          'error' in context.result ? context.result.error : undefined,
          settings,
        ),
      ),
    },
  );
}

/** Retry policies with the configured defaults (RETRY_MAX_ATTEMPTS, RETRY_BASE_DELAY_MS). */
@Injectable()
export class RetryPolicyFactory {
  /** The default policy; policies keep no state between calls, so one serves everyone. */
  readonly default: RetryPolicy;

  constructor(private readonly config: AppConfig) {
    this.default = this.create();
  }

  create(overrides: Partial<RetrySettings> = {}): RetryPolicy {
    return retryPolicy({ ...this.config.resilience.retry, ...overrides });
  }
}
