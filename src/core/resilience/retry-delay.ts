import { PlatformError } from '@core/errors/platform-error';

export interface RetrySettings {
  /** Attempts in all, the first call included (RETRY_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** Nominal wait before the first retry; doubles for each one after (1 s, 2 s, 4 s...). */
  baseDelayMs: number;
  /**
   * Longest an in-process retry may sleep. A platform asking for a longer Retry-After is not
   * retried here: the error goes back to the caller (a queue job then waits without holding a
   * worker slot), instead of a request or worker sleeping for minutes.
   */
  maxDelayMs?: number;
  /** Spread of each wait around its nominal value (0.2 = ±20 %), so clients don't retry in step. */
  jitter?: number;
  /** Source of randomness for the jitter, in [0, 1). */
  random?: () => number;
}

export const DEFAULT_MAX_DELAY_MS = 30_000;
export const DEFAULT_JITTER = 0.2;

/**
 * Wait before retry number `retry` (1 = the first retry): exponential from `baseDelayMs` with
 * jitter, capped at `maxDelayMs`, and never shorter than the Retry-After the platform sent.
 */
export function retryDelayMs(retry: number, error: unknown, settings: RetrySettings): number {
  const jitter = settings.jitter ?? DEFAULT_JITTER;
  const random = settings.random ?? Math.random;
  const nominal = settings.baseDelayMs * 2 ** (retry - 1);
  const jittered = nominal * (1 + jitter * (2 * random() - 1));
  const backoff = Math.min(settings.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, jittered);
  return Math.round(Math.max(backoff, requestedWaitMs(error)));
}

/** The wait the platform asked for (Retry-After or a platform hint), 0 when it named none. */
export function requestedWaitMs(error: unknown): number {
  return error instanceof PlatformError ? (error.retryAfterMs ?? 0) : 0;
}
