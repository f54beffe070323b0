import type { Job } from 'bullmq';
import { QueueName } from '@core/queue/queue-names';
import { QueueProcessor } from '@core/queue/queue-processor.decorator';
import { QueueWorker } from '@core/queue/queue-worker';
import type { InboundJobData } from './inbound-enqueuer';
import { InboundJobStatus, InboxDispatcher } from './inbox.dispatcher';

/** Thin by design: decodes the job and hands the inbox id to InboxDispatcher. */
@QueueProcessor(QueueName.Inbound)
export class InboundProcessor extends QueueWorker {
  constructor(private readonly dispatcher: InboxDispatcher) {
    super();
  }

  process(job: Job<InboundJobData>, token?: string): Promise<InboundJobStatus> {
    return this.outlastingDatabaseOutages(job, token, () =>
      this.dispatcher.process(job.data.inboxId),
    );
  }
}
