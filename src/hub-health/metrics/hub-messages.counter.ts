import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { MESSAGE_TYPES } from '@core/channel/outbound-message';
import type { MessagingEvent } from '@app/messaging/events/messaging-event';
import { OnMessagingEvent } from '@app/messaging/events/on-messaging-event.decorator';

export const HUB_MESSAGES_TOTAL = 'hub_messages_total';

type Labels = 'hub' | 'direction' | 'status' | 'type';

/** Every status a message can reach; anything else is counted as `other`. */
const STATUSES = new Set([
  'received',
  'queued',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'unknown',
]);
/** Outbound content types plus what only arrives inbound; a new platform type reads `other`. */
const TYPES = new Set<string>([
  ...MESSAGE_TYPES,
  'interactive_reply',
  'button_reply',
  'unsupported',
]);
/**
 * Older events are history, not traffic: a subscriber that is new (first deploy) is handed
 * every retained event, which would count days of messages as one burst, and a stream that
 * was stuck this long would do the same. Such events are skipped, not counted late.
 */
const MAX_EVENT_AGE_MS = 10 * 60_000;

export const hubMessagesMetric = makeCounterProvider({
  name: HUB_MESSAGES_TOTAL,
  help: 'Messages per hub by direction, status reached and type (received, queued, sent, delivered, read, failed...)',
  labelNames: ['hub', 'direction', 'status', 'type'],
});

/**
 * `hub_messages_total{hub,direction,status,type}`: every message status any hub reaches,
 * counted in one place from the messaging event stream (accepted → queued, sent, every later
 * status change, received) rather than in each platform module, so a hub registered later is
 * counted without a line of its own. Labels are bounded: hubs are the registered ones, status
 * and type come from fixed lists (`other` beyond them); never an id or a phone number.
 * Delivery is at least once: an event delivered again after a worker crash counts twice,
 * which a rate over minutes does not notice. The labels come with the event (read by the
 * statement that leased it), so counting asks nothing of its own.
 */
@Injectable()
export class HubMessagesCounter {
  constructor(@InjectMetric(HUB_MESSAGES_TOTAL) private readonly counter: Counter<Labels>) {}

  @OnMessagingEvent({
    subscriber: 'hub-health.message-counts',
    types: ['message.received', 'message.accepted', 'message.sent', 'message.status_changed'],
  })
  count(event: MessagingEvent, now = Date.now()): void {
    const { messageId, status, hub, direction, messageType } = event;
    if (!messageId || !status) return;
    if (now - event.occurredAt.getTime() > MAX_EVENT_AGE_MS) return;
    // deleted since (retention, erasure): nothing left to label it by
    if (!hub || !direction || !messageType) return;
    this.counter.inc({
      hub,
      direction,
      status: STATUSES.has(status) ? status : 'other',
      type: TYPES.has(messageType) ? messageType : 'other',
    });
  }
}
