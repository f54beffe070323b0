import type { Job } from 'bullmq';
import { delayJob } from '@core/queue/delay-job';
import { QueueName } from '@core/queue/queue-names';
import { QueueProcessor } from '@core/queue/queue-processor.decorator';
import { QueueWorker } from '@core/queue/queue-worker';
import type { CalendarOperationJob } from './calendar-operations.queue';
import { CalendarWrites } from './calendar-writes';

/**
 * Runs the `calendar` queue: one queued write per job. While Google keeps failing the job
 * waits (delayed, no attempt spent) until the breaker lets a call through again.
 */
@QueueProcessor(QueueName.Calendar, { concurrency: 10 })
export class CalendarProcessor extends QueueWorker {
  constructor(private readonly writes: CalendarWrites) {
    super();
  }

  process(job: Job<CalendarOperationJob>, token?: string): Promise<void> {
    return this.outlastingDatabaseOutages(job, token, async () => {
      const decision = await this.writes.apply(job.data.operationId);
      if (decision.kind === 'retry') await delayJob(job, token, decision.afterMs);
    });
  }
}
