import type { DefaultJobOptions, WorkerOptions } from 'bullmq';
import { RETRY_AFTER_BACKOFF, retryAfterBackoff } from './retry-after-backoff';

const HOUR = 3_600;

/**
 * Job defaults for every queue. Processors must be idempotent: BullMQ delivers at least once.
 *
 * - 5 attempts, exponential backoff from 1 s minus up to 50 % jitter (1, 2, 4, 8 s nominal) so
 *   a platform outage is not hammered by synchronized retries, and never sooner than the
 *   Retry-After a platform sent with the failure (RETRY_AFTER_BACKOFF, resolved by workers).
 * - Completed jobs are kept 24 h (max 10 000) for inspection; failed ones 7 days, the window in
 *   which an operator re-drives dead letters.
 */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: RETRY_AFTER_BACKOFF, delay: 1_000, jitter: 0.5 },
  removeOnComplete: { age: 24 * HOUR, count: 10_000 },
  removeOnFail: { age: 7 * 24 * HOUR },
};

/**
 * Worker lock and stall settings, tuned so a killed worker's jobs run again within ~10 s:
 * a live worker renews its 8 s lock every 4 s; when a worker dies its locks lapse after at most
 * 8 s and the stall check, which runs every 4 s, moves the job back to waiting: worst case
 * about 12 s, typically 8–10 s. A job that stalls twice is failed rather than looped forever.
 * `autorun: false` because workers only start in roles that run them (see WorkerRunner).
 */
export const WORKER_DEFAULTS: Partial<WorkerOptions> = {
  autorun: false,
  lockDuration: 8_000,
  stalledInterval: 4_000,
  maxStalledCount: 2,
  concurrency: 10,
  settings: { backoffStrategy: retryAfterBackoff },
};
