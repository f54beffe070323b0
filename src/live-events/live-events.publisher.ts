import { AppConfig } from '@config/app-config';
import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import type { MessagingEvent } from '@app/messaging/events/messaging-event';
import { OnMessagingEvent } from '@app/messaging/events/on-messaging-event.decorator';
import { LIVE_EVENT_TYPES, LiveEvent, LiveEventType } from './live-event';
import { LIVE_EVENTS_PUBLISHED_TOTAL } from './live-events.metrics';
import { TenantEventLog } from './tenant-event-log';

/**
 * The worker half of the live stream: appends each messaging event to its tenant's Redis
 * stream, where every API pod's reader picks it up. It runs wherever the event stream is
 * delivered (worker roles), in order per conversation, so a conversation's events enter the
 * tenant's stream in order. Events older than the retention are skipped: a subscriber added
 * to a running system is first handed every event messaging still keeps (days of them), and
 * no frontend is waiting for those.
 */
@Injectable()
export class LiveEventsPublisher {
  constructor(
    private readonly log: TenantEventLog,
    private readonly config: AppConfig,
    @InjectMetric(LIVE_EVENTS_PUBLISHED_TOTAL) private readonly published: Counter,
  ) {}

  @OnMessagingEvent({ subscriber: 'live-events.publish', types: LIVE_EVENT_TYPES })
  async publish(event: MessagingEvent): Promise<void> {
    if (event.occurredAt.getTime() < Date.now() - this.config.liveEvents.retentionMs) return;
    const live: LiveEvent = {
      eventId: event.id,
      type: event.type as LiveEventType,
      occurredAt: event.occurredAt.toISOString(),
      ...(event.conversationId && { conversationId: event.conversationId }),
      ...(event.messageId && { messageId: event.messageId }),
      ...(event.channelAccountId && { channelAccountId: event.channelAccountId }),
      ...(event.type === 'appointment.changed' && { appointmentId: event.streamId }),
      ...(event.contactId && { contactId: event.contactId }),
      ...(event.status && { status: event.status }),
      ...(event.errorCode && { errorCode: event.errorCode }),
    };
    if (await this.log.append(event.tenantId, live)) this.published.inc({ type: live.type });
  }
}
