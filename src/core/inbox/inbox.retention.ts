import { AppConfig } from '@config/app-config';
import { Injectable, Logger } from '@nestjs/common';
import { inBatches } from '@core/database/in-batches';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { InboxRepository } from './inbox.repository';

/**
 * Deletes processed inbox rows older than INBOX_RETENTION_DAYS, in small batches (inBatches).
 * Until then a row keeps deduplicating redeliveries.
 */
/** Hourly rather than daily: each run then deletes about an hour's rows, a short, even load. */
const RETENTION_INTERVAL_MS = 3_600_000;

@Injectable()
@MaintenanceTask()
export class InboxRetention implements PeriodicTask {
  readonly name = 'inbox.retention';
  readonly everyMs = RETENTION_INTERVAL_MS;
  private readonly logger = new Logger(InboxRetention.name);

  constructor(
    private readonly config: AppConfig,
    private readonly inbox: InboxRepository,
  ) {}

  run(): Promise<number> {
    return this.purgeOnce();
  }

  /** Returns how many rows it deleted. */
  async purgeOnce(): Promise<number> {
    const total = await inBatches((limit) =>
      this.inbox.deleteProcessedOlderThan(this.config.inbox.retentionDays, limit),
    );
    if (total) this.logger.log({ count: total }, 'Deleted expired inbox rows');
    return total;
  }
}
