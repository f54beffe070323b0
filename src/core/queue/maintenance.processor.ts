import { Job, UnrecoverableError } from 'bullmq';
import { MaintenanceRegistry } from './maintenance.registry';
import { QueueName } from './queue-names';
import { QueueProcessor } from './queue-processor.decorator';
import { QueueWorker } from './queue-worker';

/** Routes each `maintenance` job to the task of the same name. */
@QueueProcessor(QueueName.Maintenance)
export class MaintenanceProcessor extends QueueWorker {
  constructor(private readonly registry: MaintenanceRegistry) {
    super();
  }

  process(job: Job): Promise<unknown> {
    const task = this.registry.task(job.name);
    if (!task) throw new UnrecoverableError(`Unknown maintenance job '${job.name}'`);
    return task.run();
  }
}
