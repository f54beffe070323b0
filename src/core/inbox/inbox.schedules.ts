import { AppConfig } from '@config/app-config';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QueueName } from '@core/queue/queue-names';

/** Maintenance job names owned by the inbox; also their job scheduler ids. */
export const InboxMaintenanceJob = {
  Sweep: 'inbox.sweep',
  Retention: 'inbox.retention',
} as const;

const HOUR_MS = 3_600_000;
/** Hourly rather than daily: each run then deletes about an hour's rows, a short, even load. */
const RETENTION_INTERVAL_MS = HOUR_MS;

/**
 * Registers the inbox's repeatable maintenance jobs when a worker role starts. Job schedulers
 * are upserted by id, so every worker pod doing this at boot still yields one schedule each.
 * Each run is a single attempt: the next one follows shortly and does the same work.
 */
@Injectable()
export class InboxSchedules implements OnApplicationBootstrap {
  private readonly logger = new Logger(InboxSchedules.name);

  constructor(
    private readonly config: AppConfig,
    @InjectQueue(QueueName.Maintenance) private readonly maintenance: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runsWorkers) return;
    const opts = { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 1_000 } };
    try {
      await this.maintenance.upsertJobScheduler(
        InboxMaintenanceJob.Sweep,
        { every: this.config.inbox.sweepIntervalMs },
        { name: InboxMaintenanceJob.Sweep, opts },
      );
      await this.maintenance.upsertJobScheduler(
        InboxMaintenanceJob.Retention,
        { every: RETENTION_INTERVAL_MS },
        { name: InboxMaintenanceJob.Retention, opts },
      );
    } catch (error) {
      // Another pod (or this one's next boot) registers them; the app itself can still serve.
      this.logger.error({ err: error }, 'Could not register the inbox maintenance schedules');
    }
  }
}
