import { AppConfig } from '@config/app-config';
import { Injectable, Logger } from '@nestjs/common';
import { inBatches } from '@core/database/in-batches';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { DomainEventsRepository } from './domain-events.repository';
import { EventSubscribersRegistry } from './event-subscribers.registry';

/** Events are small rows: larger batches than the inbox's, and as many rows per run. */
const BATCHES = { batchSize: 5_000, maxBatches: 20 };

/**
 * Deletes events older than MESSAGING_EVENTS_RETENTION_DAYS once every subscriber has had
 * them. An event some subscriber is still behind on, or holds as a dead letter, stays.
 */
@Injectable()
@MaintenanceTask()
export class EventRetention implements PeriodicTask {
  readonly name = 'messaging.events-retention';
  readonly everyMs = 60 * 60_000;
  private readonly logger = new Logger(EventRetention.name);

  constructor(
    private readonly config: AppConfig,
    private readonly events: DomainEventsRepository,
    private readonly registry: EventSubscribersRegistry,
  ) {}

  async run(): Promise<number> {
    const subscribers = this.registry.names();
    const total = await inBatches(
      (limit) =>
        this.events.deleteDelivered(this.config.messagingEvents.retentionDays, subscribers, limit),
      BATCHES,
    );
    if (total) this.logger.log({ count: total }, 'Deleted delivered messaging events');
    return total;
  }
}
