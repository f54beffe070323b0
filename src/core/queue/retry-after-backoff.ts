import type { BackoffOptions, MinimalJob } from 'bullmq';
import { requestedWaitMs } from '@core/resilience/retry-delay';

/** The backoff type of every queue's jobs; workers resolve it with `retryAfterBackoff`. */
export const RETRY_AFTER_BACKOFF = 'exponential-retry-after';

/**
 * BullMQ's exponential backoff (the job's `delay` doubled per attempt, minus up to `jitter` of
 * it), but never shorter than the wait the platform asked for with the failure (Retry-After
 * or a throttling code's hint, on a PlatformError). BullMQ's built-in exponential cannot see
 * the error, so a 429 saying "retry in 30 s" was retried after one.
 */
export function retryAfterBackoff(
  attemptsMade: number,
  _type?: string,
  error?: Error,
  job?: MinimalJob,
  random: () => number = Math.random,
): number {
  const { delay = 0, jitter = 0 } = (job?.opts.backoff ?? {}) as Partial<BackoffOptions>;
  const nominal = delay * 2 ** (attemptsMade - 1);
  const backoff = Math.floor(nominal * (1 - jitter * random()));
  return Math.max(backoff, requestedWaitMs(error));
}
