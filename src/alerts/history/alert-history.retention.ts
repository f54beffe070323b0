import { AppConfig } from '@config/app-config';
import { Injectable, Logger } from '@nestjs/common';
import { inBatches } from '@core/database/in-batches';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { AlertsRepository } from './alerts.repository';

const DAY_MS = 86_400_000;

/**
 * Hourly, once across the cluster: deletes alerts resolved more than
 * ALERTS_HISTORY_RETENTION_DAYS ago, in small batches. Firing alerts are never pruned,
 * however old: they are the conditions still open.
 */
@Injectable()
@MaintenanceTask()
export class AlertHistoryRetention implements PeriodicTask {
  readonly name = 'alerts.history-retention';
  readonly everyMs = 60 * 60_000;
  private readonly logger = new Logger(AlertHistoryRetention.name);

  constructor(
    private readonly config: AppConfig,
    private readonly alerts: AlertsRepository,
  ) {}

  async run(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.config.alerts.historyRetentionDays * DAY_MS);
    const total = await inBatches((limit) => this.alerts.pruneResolved(before, limit));
    if (total) this.logger.log({ count: total }, 'Pruned resolved alerts from the history');
    return total;
  }
}
