import { Logger } from '@nestjs/common';
import { DelayedError, type Job } from 'bullmq';
import type { AppConfig } from '@config/app-config';
import { PlatformError } from '@core/errors/platform-error';
import type { OutboundJobData } from './outbound-job';
import type { OutboundSender } from './outbound-sender';
import { OutboundProcessor } from './outbound.processor';
import type { SendAttempt, SendDecision } from './send-decision';

/** A job as BullMQ hands it over: the processor reads attempts and may move it to delayed. */
function jobOf(attemptsMade: number) {
  const delayedUntil: number[] = [];
  const job = {
    id: 'm1',
    queueName: 'outbound',
    data: { messageId: 'm1' },
    attemptsMade,
    opts: { attempts: 5 },
    moveToDelayed: (timestamp: number) => {
      delayedUntil.push(timestamp);
      return Promise.resolve();
    },
  } as unknown as Job<OutboundJobData>;
  return { job, delayedUntil };
}

function processorDeciding(decision: SendDecision) {
  const attempts: SendAttempt[] = [];
  const sender = {
    send: (attempt: SendAttempt) => {
      attempts.push(attempt);
      return Promise.resolve(decision);
    },
  } as unknown as OutboundSender;
  const config = { outbound: { workerConcurrency: 64 } } as AppConfig;
  return { processor: new OutboundProcessor(sender, config), attempts };
}

describe('OutboundProcessor applies the sender decision to the queue', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('runs as many sends at once as OUTBOUND_WORKER_CONCURRENCY says', () => {
    const { processor } = processorDeciding({ kind: 'sent' });
    const worker = { concurrency: 10 };
    Object.assign(processor, { _worker: worker });
    processor.onApplicationBootstrap();
    expect(worker.concurrency).toBe(64);
  });

  it('tells the sender which attempt runs and whether it is the last', async () => {
    const { processor, attempts } = processorDeciding({ kind: 'sent' });
    await processor.process(jobOf(0).job, 'token');
    await processor.process(jobOf(4).job, 'token');
    expect(attempts).toEqual([
      { messageId: 'm1', attempt: 1, isLastAttempt: false },
      { messageId: 'm1', attempt: 5, isLastAttempt: true },
    ]);
  });

  it('completes the job with an outcome', async () => {
    const { processor } = processorDeciding({ kind: 'unknown' });
    await expect(processor.process(jobOf(0).job, 'token')).resolves.toBe('unknown');
  });

  it('moves the job to delayed for a delay, without spending an attempt', async () => {
    const { processor } = processorDeciding({ kind: 'delay', ms: 60_000, reason: 'paced' });
    const { job, delayedUntil } = jobOf(1);
    const before = Date.now();

    await expect(processor.process(job, 'token')).rejects.toBeInstanceOf(DelayedError);
    expect(delayedUntil).toHaveLength(1);
    expect(delayedUntil[0]).toBeGreaterThanOrEqual(before + 60_000);
    expect(delayedUntil[0]).toBeLessThan(before + 70_000);
  });

  it('fails the attempt with the platform error for a retry, so the backoff can read its wait', async () => {
    const cause = new PlatformError('whatsapp', 'send_message', 'rate-limited', 'slow down', {
      retryAfterMs: 30_000,
    });
    const { processor } = processorDeciding({ kind: 'retry', cause });
    const { job, delayedUntil } = jobOf(0);

    await expect(processor.process(job, 'token')).rejects.toBe(cause);
    expect(delayedUntil).toHaveLength(0);
  });
});
