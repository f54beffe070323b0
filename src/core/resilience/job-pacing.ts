import { DelayedError, Job } from 'bullmq';
import { PaceRate, TokenBucket } from './token-bucket';

export interface PaceOptions {
  now?: () => number;
  random?: () => number;
}

/** Upper bound of the random extra wait, as a share of the wait and at least this many ms. */
const JITTER_SHARE = 0.2;
const MIN_JITTER_MS = 25;

/**
 * Takes a token for `key` or puts the job back as delayed until one should be free.
 *
 * Without a token the job is moved to the delayed set and `DelayedError` is thrown: BullMQ
 * then neither fails the job nor counts an attempt, and the worker slot is free at once for
 * other jobs, so one throttled account never holds up another account's jobs. The jitter
 * keeps a crowd of jobs throttled on one key from all waking in the same millisecond.
 *
 * In a processor, before the platform call (rethrow DelayedError, never swallow it):
 *
 *   async process(job: Job<SendJob>, token?: string) {
 *     await pace(job, token, this.bucket, `whatsapp:${job.data.accountId}`, { ratePerSecond: 20, burst: 20 });
 *     return this.sender.send(job.data);
 *   }
 */
export async function pace(
  job: Job,
  token: string | undefined,
  bucket: TokenBucket,
  key: string,
  rate: PaceRate,
  { now = Date.now, random = Math.random }: PaceOptions = {},
): Promise<void> {
  const { allowed, retryAfterMs } = await bucket.take(key, rate);
  if (allowed) return;
  if (token === undefined) {
    throw new Error('pace() needs the worker token passed to process(job, token)');
  }
  const jitter = random() * Math.max(MIN_JITTER_MS, retryAfterMs * JITTER_SHARE);
  await job.moveToDelayed(Math.ceil(now() + retryAfterMs + jitter), token);
  throw new DelayedError();
}
