import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AppConfig } from '@config/app-config';
import { MaintenanceRegistry } from './maintenance.registry';
import { PeriodicTask } from './maintenance-task';
import { QueueName } from './queue-names';

/** How often a worker checks that every schedule still exists in Redis. */
const CHECK_EVERY_MS = 30_000;
const SCHEDULED_JOB_OPTIONS = {
  attempts: 1,
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 1_000 },
};

/**
 * Registers a job scheduler per maintenance task when a worker role starts, and restores any
 * that Redis has lost since (a restart without persistence would otherwise stop the sweepers
 * until the next deploy). Schedulers are upserted by name, so every worker pod doing this
 * still yields one schedule each. Each run is a single attempt: the next run follows shortly
 * and does the same work.
 */
@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceScheduler.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: MaintenanceRegistry,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runsWorkers) return;
    for (const task of this.registry.all()) await this.register(task);
    this.timer = setInterval(() => void this.restoreMissing(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Re-registers the schedules Redis no longer has; returns their names. */
  async restoreMissing(): Promise<string[]> {
    const restored: string[] = [];
    for (const task of this.registry.all()) {
      try {
        if (await this.queue.getJobScheduler(task.name)) continue;
      } catch {
        return restored; // Redis is away: nothing to check against; the next round will.
      }
      if (await this.register(task)) restored.push(task.name);
    }
    if (restored.length) {
      this.logger.warn({ tasks: restored }, 'Restored maintenance schedules Redis had lost');
    }
    return restored;
  }

  private async register(task: PeriodicTask): Promise<boolean> {
    try {
      await this.queue.upsertJobScheduler(
        task.name,
        { every: task.everyMs },
        { name: task.name, opts: SCHEDULED_JOB_OPTIONS },
      );
      return true;
    } catch (error) {
      // Another pod (or this one's next check) registers it; the app itself can still serve.
      this.logger.error(
        { err: error, task: task.name },
        'Could not register a maintenance schedule',
      );
      return false;
    }
  }
}
