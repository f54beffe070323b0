import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { clearFinishedJob } from '@core/queue/clear-finished-job';
import { addWhenLive } from '@core/queue/fail-fast-add';
import { QueueName } from '@core/queue/queue-names';

export const RUN_REQUEST_JOB = 'run-request';
const ENQUEUE_TIMEOUT_MS = 1_000;

export interface RunRequestJobData {
  requestId: string;
}

/**
 * Puts requests on the `privacy` queue, jobId = request id. The request row is the outbox:
 * when Redis cannot take the job now, PrivacyRequestsSweeper adds it later.
 */
@Injectable()
export class PrivacyRequestsEnqueuer {
  private readonly logger = new Logger(PrivacyRequestsEnqueuer.name);

  constructor(@InjectQueue(QueueName.Privacy) private readonly queue: Queue<RunRequestJobData>) {}

  async enqueue(requestId: string): Promise<void> {
    try {
      await clearFinishedJob(this.queue, requestId, this.logger);
      await addWhenLive(
        this.queue,
        [{ name: RUN_REQUEST_JOB, data: { requestId }, opts: { jobId: requestId } }],
        ENQUEUE_TIMEOUT_MS,
      );
    } catch (error) {
      this.logger.warn(
        { requestId, reason: (error as Error).message },
        'Privacy request stored; enqueueing left to the sweeper',
      );
    }
  }
}
