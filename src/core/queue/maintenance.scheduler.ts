import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AppConfig } from '@config/app-config';
import { MaintenanceRegistry } from './maintenance.registry';
import { QueueName } from './queue-names';

/**
 * Registers a job scheduler per maintenance task when a worker role starts. Schedulers are
 * upserted by name, so every worker pod doing this at boot still yields one schedule each.
 * Each run is a single attempt: the next run follows shortly and does the same work.
 */
@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(MaintenanceScheduler.name);

  constructor(
    private readonly config: AppConfig,
    private readonly registry: MaintenanceRegistry,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runsWorkers) return;
    const opts = { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 1_000 } };
    for (const task of this.registry.all()) {
      try {
        await this.queue.upsertJobScheduler(
          task.name,
          { every: task.everyMs },
          { name: task.name, opts },
        );
      } catch (error) {
        // Another pod (or this one's next boot) registers it; the app itself can still serve.
        this.logger.error(
          { err: error, task: task.name },
          'Could not register a maintenance schedule',
        );
      }
    }
  }
}
