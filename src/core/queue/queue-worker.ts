import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { isDatabaseUnavailable } from '@core/database/database-unavailable';
import { delayJob } from './delay-job';

/** How long a job waits for PostgreSQL to come back before it runs again. */
const DATABASE_OUTAGE_RETRY_MS = 10_000;

/**
 * Base class of every processor. BullMQ reports lost locks and Redis reconnects as worker
 * 'error' events (it recovers from both); without a listener they are printed to the console
 * outside the structured log. Listening here covers workers from the moment they exist.
 */
export abstract class QueueWorker extends WorkerHost {
  protected readonly logger = new Logger(this.constructor.name);

  @OnWorkerEvent('error')
  onWorkerError(error: Error): void {
    this.logger.warn({ err: error }, 'Worker error (BullMQ recovers by itself)');
  }

  /**
   * Runs `work`; when it fails because PostgreSQL is unreachable, the job waits and runs again
   * later without spending an attempt. The work is durable in PostgreSQL, so an outage longer
   * than the retry budget (5 attempts, ~15 s) must not turn every job in flight into a dead
   * letter that the sweepers cannot re-add (its job id still exists).
   */
  protected async outlastingDatabaseOutages<T>(
    job: Job,
    token: string | undefined,
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!token || !isDatabaseUnavailable(error)) throw error;
      this.logger.warn(
        { jobId: job.id, queue: job.queueName, err: error },
        'PostgreSQL unreachable: the job waits for it without spending an attempt',
      );
      return delayJob(job, token, DATABASE_OUTAGE_RETRY_MS);
    }
  }
}
