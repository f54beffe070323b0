import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { QueueName } from '@core/queue/queue-names';
import { QueueProcessor } from '@core/queue/queue-processor.decorator';
import type { InboundJobData } from './inbound-enqueuer';
import { InboundJobStatus, InboxDispatcher } from './inbox.dispatcher';

/** Thin by design: decodes the job and hands the inbox id to InboxDispatcher. */
@QueueProcessor(QueueName.Inbound)
export class InboundProcessor extends WorkerHost {
  private readonly logger = new Logger(InboundProcessor.name);

  constructor(private readonly dispatcher: InboxDispatcher) {
    super();
  }

  /** Redis connection errors (BullMQ reconnects by itself); without a listener BullMQ
   * prints them to the console, outside the structured log. */
  @OnWorkerEvent('error')
  onWorkerError(error: Error): void {
    this.logger.warn({ reason: error.message }, 'Inbound worker connection error');
  }

  process(job: Job<InboundJobData>): Promise<InboundJobStatus> {
    return this.dispatcher.process(job.data.inboxId);
  }
}
