import { AppConfig } from '@config/app-config';
import { Injectable, Logger } from '@nestjs/common';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { DomainEventsRepository } from './domain-events.repository';
import { EventSubscribersRegistry } from './event-subscribers.registry';

const BATCH_SIZE = 5_000;
/** Bounds one run; the next run goes on where it stopped. */
const MAX_BATCHES_PER_RUN = 20;

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
    let total = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch += 1) {
      const deleted = await this.events.deleteDelivered(
        this.config.messagingEvents.retentionDays,
        this.registry.names(),
        BATCH_SIZE,
      );
      total += deleted;
      if (deleted < BATCH_SIZE) break;
    }
    if (total) this.logger.log({ count: total }, 'Deleted delivered messaging events');
    return total;
  }
}
