import type { Job } from 'bullmq';
import { DomainError } from '@core/errors/domain-error';
import { QueueName } from '@core/queue/queue-names';
import { QueueProcessor } from '@core/queue/queue-processor.decorator';
import { QueueWorker } from '@core/queue/queue-worker';
import type { RunRequestJobData } from './privacy-requests.enqueuer';
import { PrivacyRequestRunner } from './privacy-request.runner';
import { PrivacyRequestsRepository } from './privacy-requests.repository';

/**
 * Runs data subject requests on their own queue, so a large export never holds up sends. A
 * failure is noted on the request (its code, never the message, which may hold data) and the
 * job retried; after the attempts the sweeper re-drives the request later.
 */
@QueueProcessor(QueueName.Privacy, { concurrency: 2 })
export class PrivacyRequestProcessor extends QueueWorker {
  constructor(
    private readonly runner: PrivacyRequestRunner,
    private readonly requests: PrivacyRequestsRepository,
  ) {
    super();
  }

  process(job: Job<RunRequestJobData>, token?: string): Promise<unknown> {
    return this.outlastingDatabaseOutages(job, token, async () => {
      try {
        return await this.runner.run(job.data.requestId);
      } catch (error) {
        const code = error instanceof DomainError ? error.code : 'PRIVACY.CONTRIBUTOR_FAILED';
        await this.requests.noteError(job.data.requestId, code);
        throw error;
      }
    });
  }
}
