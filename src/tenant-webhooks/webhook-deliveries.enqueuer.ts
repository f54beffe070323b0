import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { clearFinishedJob } from '@core/queue/clear-finished-job';
import { addWhenLive } from '@core/queue/fail-fast-add';
import { QueueName } from '@core/queue/queue-names';

export const DELIVER_JOB = 'deliver';
const ENQUEUE_TIMEOUT_MS = 1_000;

export interface DeliverJobData {
  deliveryId: string;
}

/**
 * Puts deliveries on the `webhooks-out` queue, jobId = delivery id. The row is the outbox: when
 * Redis cannot take the job now, the sweeper adds it later (the same id keeps it single).
 */
@Injectable()
export class WebhookDeliveriesEnqueuer {
  private readonly logger = new Logger(WebhookDeliveriesEnqueuer.name);

  constructor(@InjectQueue(QueueName.WebhooksOut) private readonly queue: Queue<DeliverJobData>) {}

  /**
   * A redelivery's job: its own id (`<delivery>.<attempts so far>`), since the delivery's
   * earlier job may still be finishing and would swallow an add under the same id.
   */
  async enqueueRedelivery(deliveryId: string, attemptsSoFar: number): Promise<void> {
    await this.add([{ deliveryId, jobId: `${deliveryId}.${attemptsSoFar}` }]);
  }

  async enqueue(deliveryIds: readonly string[]): Promise<void> {
    await this.add(deliveryIds.map((deliveryId) => ({ deliveryId, jobId: deliveryId })));
  }

  private async add(jobs: readonly { deliveryId: string; jobId: string }[]): Promise<void> {
    if (!jobs.length) return;
    try {
      await addWhenLive(
        this.queue,
        jobs.map(({ deliveryId, jobId }) => ({
          name: DELIVER_JOB,
          data: { deliveryId },
          opts: { jobId },
        })),
        ENQUEUE_TIMEOUT_MS,
      );
    } catch (error) {
      this.logger.warn(
        { count: jobs.length, reason: (error as Error).message },
        'Deliveries stored; enqueueing left to the sweeper',
      );
    }
  }

  /**
   * Enqueues a delivery whose earlier job may still be kept under its id (a redelivery, or a
   * job that finished while the row stayed pending): adding that id again would be a no-op.
   */
  async enqueueAfresh(deliveryId: string): Promise<void> {
    await clearFinishedJob(this.queue, deliveryId, this.logger);
    await this.enqueue([deliveryId]);
  }
}
