import type { Job } from 'bullmq';
import { QueueName } from '@core/queue/queue-names';
import { QueueProcessor } from '@core/queue/queue-processor.decorator';
import { QueueWorker } from '@core/queue/queue-worker';
import type { OutboundJobData } from './outbound-job';
import { OutboundSender, SendOutcome } from './outbound-sender';

/** Thin: hands each `outbound` job to the sender. */
@QueueProcessor(QueueName.Outbound)
export class OutboundProcessor extends QueueWorker {
  constructor(private readonly sender: OutboundSender) {
    super();
  }

  process(job: Job<OutboundJobData>, token?: string): Promise<SendOutcome> {
    return this.outlastingDatabaseOutages(job, token, () => this.sender.send(job, token));
  }
}
