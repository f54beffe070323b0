import { DiscoveryService } from '@nestjs/core';
import type { MessagingEventType } from './messaging-event';

export interface MessagingSubscription {
  /**
   * The subscriber's durable name, `<module>.<purpose>` (e.g. `bitrix.mirror`): its progress
   * per conversation is stored under it. Renaming it starts a new subscriber, which is handed
   * every event still retained.
   */
  subscriber: string;
  types: readonly MessagingEventType[];
}

/**
 * Subscribes a method of an `@Injectable()` singleton to messaging events; the
 * EventSubscribersRegistry finds it at boot and fails the boot, naming the class, when the
 * declaration is wrong. The method receives one MessagingEvent at a time, in order per
 * conversation, at least once (keep it idempotent by `event.id`); throwing retries it with
 * backoff, and an event that keeps failing goes to the dead letters.
 *
 * ```ts
 * @Injectable()
 * export class BitrixMirror {
 *   @OnMessagingEvent({ subscriber: 'bitrix.mirror', types: ['message.received'] })
 *   async mirror(event: MessagingEvent): Promise<void> { ... }
 * }
 * ```
 */
export const OnMessagingEvent = DiscoveryService.createDecorator<MessagingSubscription>();
