import type { Job } from 'bullmq';
import { QueueName } from '@core/queue/queue-names';
import { QueueProcessor } from '@core/queue/queue-processor.decorator';
import { QueueWorker } from '@core/queue/queue-worker';
import { OutboundJob, OutboundJobData } from './outbound-job';
import { OutboundSender, SendOutcome } from './outbound-sender';
import { OutboxSweeper } from './outbox.sweeper';

/** Thin: routes each `outbound` job to the service that does the work. */
@QueueProcessor(QueueName.Outbound)
export class OutboundProcessor extends QueueWorker {
  constructor(
    private readonly sender: OutboundSender,
    private readonly sweeper: OutboxSweeper,
  ) {
    super();
  }

  process(job: Job<OutboundJobData>, token?: string): Promise<SendOutcome | number> {
    return job.name === OutboundJob.Sweep ? this.sweeper.sweepOnce() : this.sender.send(job, token);
  }
}
