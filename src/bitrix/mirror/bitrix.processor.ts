import type { Job } from 'bullmq';
import { delayJob } from '@core/queue/delay-job';
import { QueueName } from '@core/queue/queue-names';
import { QueueProcessor } from '@core/queue/queue-processor.decorator';
import { QueueWorker } from '@core/queue/queue-worker';
import { isRetryable, PlatformError } from '@core/errors/platform-error';
import { MirrorFlusher } from './mirror.flusher';
import type { MirrorJobData } from './mirror.queue';

/**
 * Runs the `bitrix` queue: one portal's mirror flush per job. Twenty at a time per worker, so
 * portals flush side by side; a portal that must wait (its flush is running elsewhere, its
 * pacing bucket is empty, Bitrix24 answered 503) delays its own job and frees the slot.
 */
@QueueProcessor(QueueName.Bitrix, { concurrency: 20 })
export class BitrixProcessor extends QueueWorker {
  constructor(private readonly flusher: MirrorFlusher) {
    super();
  }

  process(job: Job<MirrorJobData>, token?: string): Promise<void> {
    return this.outlastingDatabaseOutages(job, token, async () => {
      try {
        const decision = await this.flusher.flush(job.data.portalId);
        if (decision.kind === 'delay') await delayJob(job, token, decision.ms);
      } catch (error) {
        // Pacing and rate limits are waits, not failures: they spend no attempt.
        if (
          error instanceof PlatformError &&
          isRetryable(error) &&
          error.failure === 'rate-limited'
        ) {
          await delayJob(job, token, error.retryAfterMs ?? 1_000);
        }
        throw error;
      }
    });
  }
}
