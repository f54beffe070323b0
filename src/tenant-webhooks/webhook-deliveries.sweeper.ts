import { AppConfig } from '@config/app-config';
import { Injectable, Logger } from '@nestjs/common';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookDeliveriesEnqueuer } from './webhook-deliveries.enqueuer';

const BATCH = 500;

/**
 * Pending deliveries whose job should have run a while ago (never enqueued because Redis was
 * down, or lost by Redis) are enqueued again under their id: a no-op while the job exists,
 * which is why this may run often. Same cadence as the inbox and outbox sweepers.
 */
@Injectable()
@MaintenanceTask()
export class WebhookDeliveriesSweeper implements PeriodicTask {
  readonly name = 'tenant-webhooks.sweep';
  private readonly logger = new Logger(WebhookDeliveriesSweeper.name);

  constructor(
    private readonly config: AppConfig,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly enqueuer: WebhookDeliveriesEnqueuer,
  ) {}

  get everyMs(): number {
    return this.config.inbox.sweepIntervalMs;
  }

  async run(): Promise<number> {
    const ids = await this.deliveries.overdue(this.config.inbox.sweepAfterMs, BATCH);
    for (const id of ids) await this.enqueuer.enqueueAfresh(id);
    if (ids.length)
      this.logger.log({ count: ids.length }, 'Re-enqueued overdue webhook deliveries');
    return ids.length;
  }
}
