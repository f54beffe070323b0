import { Job, UnrecoverableError } from 'bullmq';
import { QueueName } from '@core/queue/queue-names';
import { QueueProcessor } from '@core/queue/queue-processor.decorator';
import { QueueWorker } from '@core/queue/queue-worker';
import { InboxRetention } from './inbox.retention';
import { InboxMaintenanceJob } from './inbox.schedules';
import { InboxSweeper } from './inbox.sweeper';

/**
 * The one worker of the `maintenance` queue (one queue, so one processor): routes each job by
 * name to the service that does the work. New maintenance jobs add a line to `routes`.
 */
@QueueProcessor(QueueName.Maintenance)
export class MaintenanceProcessor extends QueueWorker {
  private readonly routes: Record<string, () => Promise<number>>;

  constructor(sweeper: InboxSweeper, retention: InboxRetention) {
    super();
    this.routes = {
      [InboxMaintenanceJob.Sweep]: () => sweeper.sweepOnce(),
      [InboxMaintenanceJob.Retention]: () => retention.purgeOnce(),
    };
  }

  async process(job: Job): Promise<number> {
    const route = this.routes[job.name];
    if (!route) throw new UnrecoverableError(`Unknown maintenance job '${job.name}'`);
    return await route();
  }
}
