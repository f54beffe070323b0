import type { MinimalJob } from 'bullmq';
import { PlatformError } from '@core/errors/platform-error';
import { DEFAULT_JOB_OPTIONS } from './queue-defaults';
import { retryAfterBackoff } from './retry-after-backoff';

const job = { opts: DEFAULT_JOB_OPTIONS } as MinimalJob;
const serverError = new PlatformError('whatsapp', 'send_message', 'server', 'Bad gateway');
const rateLimited = (retryAfterMs: number) =>
  new PlatformError('whatsapp', 'send_message', 'rate-limited', 'Too many requests', {
    status: 429,
    retryAfterMs,
  });
const backoff = (attemptsMade: number, error: Error, random: number) =>
  retryAfterBackoff(attemptsMade, 'exponential-retry-after', error, job, () => random);

describe('retryAfterBackoff', () => {
  it("doubles the job's delay per attempt: 1 s, 2 s, 4 s, 8 s", () => {
    expect([1, 2, 3, 4].map((attempt) => backoff(attempt, serverError, 0))).toEqual([
      1_000, 2_000, 4_000, 8_000,
    ]);
  });

  it('takes up to the jitter off each wait, as BullMQ does', () => {
    expect(backoff(2, serverError, 0.9999)).toBe(1_000);
    expect(backoff(2, serverError, 0.5)).toBe(1_500);
  });

  it('waits at least the Retry-After the platform sent', () => {
    expect(backoff(1, rateLimited(8_000), 0)).toBe(8_000);
  });

  it('keeps its own wait when it is longer than the Retry-After', () => {
    expect(backoff(4, rateLimited(3_000), 0)).toBe(8_000);
  });

  it('ignores errors that are not platform failures', () => {
    expect(backoff(1, new Error('bug'), 0)).toBe(1_000);
  });
});
