import { OnWorkerEvent } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { DomainError } from '@core/errors/domain-error';
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

  /**
   * Every failed attempt is visible: a send that keeps failing for a reason that is not the
   * platform's (a bug, a constraint) must not retry in silence. Codes and messages only; the
   * sender keeps contents and numbers out of both.
   */
  @OnWorkerEvent('failed')
  onFailed(job: Job<OutboundJobData> | undefined, error: Error): void {
    this.logger.warn(
      {
        messageId: job?.data.messageId,
        attemptsMade: job?.attemptsMade,
        code: error instanceof DomainError ? error.code : error.name,
        reason: error.message,
      },
      'Outbound send attempt failed',
    );
  }
}
