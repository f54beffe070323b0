import { Injectable } from '@nestjs/common';
import { newId } from '@core/database/ids';
import { MESSAGING_EVENT_TYPES, MessagingEvent } from '@app/messaging/events/messaging-event';
import { OnMessagingEvent } from '@app/messaging/events/on-messaging-event.decorator';
import { ActiveSubscriptions } from './active-subscriptions';
import { DeliveryPayload, WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookDeliveriesEnqueuer } from './webhook-deliveries.enqueuer';

/**
 * Turns each messaging event into one delivery per matching subscription of its tenant: a row
 * (idempotent by subscription and event, so the stream's redelivery adds nothing) and a job.
 * Nothing here waits for a receiver: the stream moves on as soon as the rows are stored.
 * An account filter matches events of that account's conversations and of the account itself
 * (`account.status_changed`); contact events, which belong to no account, go to unfiltered
 * subscriptions only.
 */
@Injectable()
export class WebhookFanout {
  constructor(
    private readonly subscriptions: ActiveSubscriptions,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly enqueuer: WebhookDeliveriesEnqueuer,
  ) {}

  @OnMessagingEvent({ subscriber: 'tenant-webhooks.fanout', types: MESSAGING_EVENT_TYPES })
  async fanOut(event: MessagingEvent): Promise<void> {
    const candidates = await this.subscriptions.matching(event.tenantId, event.type);
    if (!candidates.length) return;
    const accountId = event.channelAccountId ?? null;
    const targets = candidates.filter(
      (webhook) =>
        !webhook.channelAccountIds ||
        (accountId !== null && webhook.channelAccountIds.includes(accountId)),
    );
    const ids = await this.deliveries.insertNew(
      targets.map((webhook) => ({
        id: newId(),
        webhookId: webhook.id,
        tenantId: event.tenantId,
        eventId: event.id,
        eventType: event.type,
        occurredAt: event.occurredAt,
        payload: payloadOf(event, accountId),
      })),
    );
    await this.enqueuer.enqueue(ids);
  }
}

/** The ids a receiver needs to fetch the rest through the API, and status/error code. */
function payloadOf(event: MessagingEvent, channelAccountId: string | null): DeliveryPayload {
  const data: DeliveryPayload = {};
  if (channelAccountId) data.channelAccountId = channelAccountId;
  if (event.conversationId) data.conversationId = event.conversationId;
  if (event.messageId) data.messageId = event.messageId;
  if (event.contactId) data.contactId = event.contactId;
  // Events of other modules name their subject by the stream (the appointment's id).
  if (event.type === 'appointment.changed') data.appointmentId = event.streamId;
  if (event.status) data.status = event.status;
  if (event.errorCode) data.errorCode = event.errorCode;
  return data;
}
