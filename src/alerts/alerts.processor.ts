import { UnrecoverableError, type Job } from 'bullmq';
import { QueueName } from '@core/queue/queue-names';
import { QueueProcessor } from '@core/queue/queue-processor.decorator';
import { QueueWorker } from '@core/queue/queue-worker';
import type { AlertJobData } from './alert-deliveries.enqueuer';
import { AlertSender } from './alert-sender';

/**
 * Runs `alerts` jobs on their own queue and workers, so a hanging channel only ever holds
 * alert deliveries (at most ALERTS_TIMEOUT_MS each), never sends, intake or the event stream.
 * A retry is a thrown error: BullMQ backs off exponentially, never sooner than the channel's
 * Retry-After (the queues' backoff reads it from the PlatformError). A refused URL or a 4xx
 * fails the job at once; failed jobs stay in the queue's failed set (the dead letters).
 */
@QueueProcessor(QueueName.Alerts, { concurrency: 20 })
export class AlertsProcessor extends QueueWorker {
  constructor(private readonly sender: AlertSender) {
    super();
  }

  process(job: Job<AlertJobData>, token?: string): Promise<void> {
    return this.outlastingDatabaseOutages(job, token, async () => {
      const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const decision = await this.sender.deliver(job.data, finalAttempt);
      if (decision.kind === 'retry') throw decision.error;
      if (decision.kind === 'give-up') throw new UnrecoverableError(decision.reason);
    });
  }
}
