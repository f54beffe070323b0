import { performance } from 'node:perf_hooks';
import { TestingModule } from '@nestjs/testing';
import { DelayedError, Job, Queue, Worker } from 'bullmq';
import { AppConfig } from '@config/app-config';
import { delayJob } from '@core/queue/delay-job';
import { WORKER_DEFAULTS } from '@core/queue/queue-defaults';
import { pacingWaitMs } from '@core/resilience/pacing-wait';
import { PaceRate, TokenBucket } from '@core/resilience/token-bucket';
import { resilienceContext, waitFor } from './resilience-context';

type Account = 'slow' | 'fast';
interface PacedJob {
  account: Account;
  seq: number;
}

const SLOW_JOBS = 10;
const FAST_JOBS = 20;
const RATES: Record<Account, PaceRate> = {
  slow: { ratePerSecond: 1, burst: 1 },
  fast: { ratePerSecond: 50, burst: 5 },
};
const CONCURRENCY = 4;

describe('Pacing BullMQ jobs with the token bucket', () => {
  let moduleRef: TestingModule;
  let queue: Queue<PacedJob>;
  let worker: Worker<PacedJob>;
  const completed: { account: Account; seq: number; id: string; atMs: number }[] = [];
  const delays = new Map<string, number>();
  const failed: string[] = [];
  let enqueuedAt = 0;

  beforeAll(async () => {
    moduleRef = await resilienceContext();
    const config = moduleRef.get(AppConfig);
    const bucket = moduleRef.get(TokenBucket);
    const run = `${process.pid}-${Date.now()}`;
    const connection = { url: config.redis.url };
    const name = `pacing-test-${run}`;
    queue = new Queue<PacedJob>(name, { connection, prefix: config.redis.prefix });

    // A processor as the outbound one is: pace per account (a wait delays the job), then work.
    const processor = async (job: Job<PacedJob>, token?: string) => {
      const { account, seq } = job.data;
      try {
        const waitMs = await pacingWaitMs(bucket, `test:${run}:${account}`, RATES[account]);
        if (waitMs > 0) await delayJob(job, token, waitMs);
      } catch (error) {
        if (error instanceof DelayedError) delays.set(job.id!, (delays.get(job.id!) ?? 0) + 1);
        throw error;
      }
      completed.push({ account, seq, id: job.id!, atMs: performance.now() - enqueuedAt });
    };
    worker = new Worker<PacedJob>(name, processor, {
      ...WORKER_DEFAULTS,
      autorun: true,
      concurrency: CONCURRENCY,
      connection,
      prefix: config.redis.prefix,
    });
    worker.on('failed', (job) => failed.push(job?.id ?? '?'));
    await worker.waitUntilReady();

    // Slow-key jobs first in each pair, so FIFO alone would put them ahead of the fast key.
    const jobs = Array.from({ length: Math.max(SLOW_JOBS, FAST_JOBS) }, (_, seq) => [
      ...(seq < SLOW_JOBS ? [{ account: 'slow' as const, seq }] : []),
      ...(seq < FAST_JOBS ? [{ account: 'fast' as const, seq }] : []),
    ]).flat();
    enqueuedAt = performance.now();
    // attempts: 1, so a delay that counted as an attempt would fail the job.
    await queue.addBulk(jobs.map((data) => ({ name: 'send', data, opts: { attempts: 1 } })));
  });

  afterAll(async () => {
    await worker?.close(true);
    await queue?.obliterate({ force: true });
    await queue?.close();
    await moduleRef?.close();
  });

  const done = (account: Account) => completed.filter((c) => c.account === account);

  it('runs every fast-key job while most slow-key jobs wait delayed', async () => {
    await waitFor('all fast-key jobs to complete', () => done('fast').length === FAST_JOBS, 8_000);

    const slowDone = done('slow').length;
    const slowDelayed = (await queue.getJobs(['delayed'])).filter(
      (job) => job.data.account === 'slow',
    ).length;
    const fastTimes = done('fast').map((c) => Math.round(c.atMs));
    console.log(
      `fast key (${RATES.fast.ratePerSecond}/s, burst ${RATES.fast.burst}): ${FAST_JOBS} jobs ` +
        `completed at [${fastTimes.join(', ')}] ms after enqueue; meanwhile ${slowDone}/${SLOW_JOBS} ` +
        `slow-key (${RATES.slow.ratePerSecond}/s) jobs completed and ${slowDelayed} were delayed`,
    );

    // At 1/s the slow key has released one token at enqueue time and at most a couple since.
    expect(slowDone).toBeLessThan(SLOW_JOBS / 2);
    expect(slowDelayed).toBeGreaterThan((SLOW_JOBS - slowDone) / 2);
    // Completion order: the fast key overtook the slow one despite being enqueued behind it.
    const lastFast = completed.findLastIndex((c) => c.account === 'fast');
    expect(completed.slice(0, lastFast).filter((c) => c.account === 'slow').length).toBe(slowDone);
    expect(failed).toEqual([]);
  });

  it('delays throttled jobs without failing them or spending their attempts', async () => {
    await waitFor('three slow-key jobs to complete', () => done('slow').length >= 3, 10_000);

    const slowIds = done('slow').map((c) => c.id);
    const delayedThenCompleted = slowIds.filter((id) => (delays.get(id) ?? 0) > 0);
    expect(delayedThenCompleted.length).toBeGreaterThanOrEqual(2);
    for (const id of delayedThenCompleted) {
      const job = (await queue.getJob(id))!;
      expect(await job.getState()).toBe('completed');
      expect(job.attemptsMade).toBe(1);
    }
    expect(failed).toEqual([]);
  });
});
