import { AppConfig } from '@config/app-config';
import { Injectable, Logger } from '@nestjs/common';
import { inBatches } from '@core/database/in-batches';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';

/** Deletes finished deliveries older than WEBHOOKS_DELIVERY_RETENTION_DAYS; pending ones stay. */
@Injectable()
@MaintenanceTask()
export class WebhookDeliveriesRetention implements PeriodicTask {
  readonly name = 'tenant-webhooks.retention';
  readonly everyMs = 60 * 60_000;
  private readonly logger = new Logger(WebhookDeliveriesRetention.name);

  constructor(
    private readonly config: AppConfig,
    private readonly deliveries: WebhookDeliveriesRepository,
  ) {}

  async run(): Promise<number> {
    const total = await inBatches((limit) =>
      this.deliveries.deleteFinishedOlderThan(this.config.webhooks.retentionDays, limit),
    );
    if (total) this.logger.log({ count: total }, 'Deleted old webhook deliveries');
    return total;
  }
}
