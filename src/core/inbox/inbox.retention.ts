import { AppConfig } from '@config/app-config';
import { Injectable, Logger } from '@nestjs/common';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { InboxRepository } from './inbox.repository';

const BATCH_SIZE = 1_000;
/** Bounds one run (50 000 rows); a larger backlog is finished by the next runs. */
const MAX_BATCHES_PER_RUN = 50;

/**
 * Deletes processed inbox rows older than INBOX_RETENTION_DAYS, in small batches so no single
 * statement holds many row locks or bloats WAL. Until then a row keeps deduplicating redeliveries.
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
    let total = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch += 1) {
      const deleted = await this.inbox.deleteProcessedOlderThan(
        this.config.inbox.retentionDays,
        BATCH_SIZE,
      );
      total += deleted;
      if (deleted < BATCH_SIZE) break;
    }
    if (total) this.logger.log({ count: total }, 'Deleted expired inbox rows');
    return total;
  }
}
