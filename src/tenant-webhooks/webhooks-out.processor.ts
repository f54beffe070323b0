import type { Job } from 'bullmq';
import { delayJob } from '@core/queue/delay-job';
import { QueueName } from '@core/queue/queue-names';
import { QueueProcessor } from '@core/queue/queue-processor.decorator';
import { QueueWorker } from '@core/queue/queue-worker';
import type { DeliverJobData } from './webhook-deliveries.enqueuer';
import { WebhookSender } from './webhook-sender';

/**
 * Runs `webhooks-out` jobs, its own queue so receivers never hold up sends or intake. Retries
 * and slot waits are delays, not BullMQ attempts: the delivery row counts attempts and its 24 h
 * window ends them, and a delayed job frees its worker slot at once. 20 at a time per worker:
 * each subscription holds at most WEBHOOKS_CONCURRENCY_PER_SUBSCRIPTION of them.
 */
@QueueProcessor(QueueName.WebhooksOut, { concurrency: 20 })
export class WebhooksOutProcessor extends QueueWorker {
  constructor(private readonly sender: WebhookSender) {
    super();
  }

  process(job: Job<DeliverJobData>, token?: string): Promise<void> {
    return this.outlastingDatabaseOutages(job, token, async () => {
      const decision = await this.sender.deliver(job.data.deliveryId);
      if (decision.kind === 'delay') await delayJob(job, token, decision.ms);
    });
  }
}
