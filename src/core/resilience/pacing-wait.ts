import { PaceRate, TokenBucket } from './token-bucket';

/** Upper bound of the random extra wait, as a share of the wait and at least this many ms. */
const JITTER_SHARE = 0.2;
const MIN_JITTER_MS = 25;

/**
 * Takes a token for `key`: 0 when one was free (go now), otherwise how long to wait before
 * trying again. The caller does the waiting; a queue processor delays its job by that much
 * (`delayJob`) so the worker slot is free at once and one throttled account never holds up
 * another account's jobs. The jitter keeps a crowd of callers throttled on one key from all
 * waking in the same millisecond.
 */
export async function pacingWaitMs(
  bucket: TokenBucket,
  key: string,
  rate: PaceRate,
  random: () => number = Math.random,
): Promise<number> {
  const { allowed, retryAfterMs } = await bucket.take(key, rate);
  if (allowed) return 0;
  const jitter = random() * Math.max(MIN_JITTER_MS, retryAfterMs * JITTER_SHARE);
  return Math.max(1, Math.ceil(retryAfterMs + jitter));
}
