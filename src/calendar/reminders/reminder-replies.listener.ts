import { Injectable, Logger } from '@nestjs/common';
import { DomainError, NotFoundError } from '@core/errors/domain-error';
import { ConversationsService } from '@app/messaging/conversations/conversations.service';
import type { MessagingEvent } from '@app/messaging/events/messaging-event';
import { OnMessagingEvent } from '@app/messaging/events/on-messaging-event.decorator';
import { MessageLookup, ReceivedMessage } from '@app/messaging/messages/message-lookup';
import { OutboundDispatcher } from '@app/messaging/outbound/outbound.dispatcher';
import { EventsService } from '../events/events.service';
import { ReminderRecipients } from './reminder-recipients';
import { ReminderRepliesRepository } from './reminder-replies.repository';
import type { ReplyAction } from './reminder-rule';
import { ReminderRulesRepository } from './reminder-rules.repository';
import { Reminder, RemindersRepository } from './reminders.repository';
import { parseReplyPayload } from './reply-payload';

/**
 * A patient's tap on a reminder's quick-reply button: "Confirmar" marks the appointment
 * confirmed at Google, "Cancelar" cancels it there, "Remarcar" records a reschedule request;
 * each is audited and answered with the tenant's confirmation text.
 *
 * Exactly once under the stream's redelivery: the Google change is idempotent (a cancelled
 * event is already gone), the reply row and its audit entry are keyed by the inbound message
 * id, and so is the confirmation's idempotency key (a second send answers the first).
 */
@Injectable()
export class ReminderRepliesListener {
  private readonly logger = new Logger(ReminderRepliesListener.name);

  constructor(
    private readonly lookup: MessageLookup,
    private readonly conversations: ConversationsService,
    private readonly reminders: RemindersRepository,
    private readonly rules: ReminderRulesRepository,
    private readonly replies: ReminderRepliesRepository,
    private readonly recipients: ReminderRecipients,
    private readonly events: EventsService,
    private readonly dispatcher: OutboundDispatcher,
  ) {}

  @OnMessagingEvent({ subscriber: 'calendar.reminder-replies', types: ['message.received'] })
  async onReceived(event: MessagingEvent): Promise<void> {
    if (!event.messageId) return;
    const message = await this.lookup.received(event.tenantId, event.messageId);
    const reply = parseReplyPayload(message?.payload);
    if (!message || !reply) return;
    const reminder = await this.reminders.get(event.tenantId, reply.reminderId);
    // Only the reminded patient answers for the appointment (a forwarded payload does not).
    const from = await this.conversations.contactOf(event.tenantId, message.conversationId);
    if (!reminder || from !== reminder.contactId) return;

    if (!(await this.applyAtGoogle(reminder, reply.action))) return;
    await this.replies.record({
      tenantId: reminder.tenantId,
      messageId: message.id,
      reminderId: reminder.id,
      eventId: reminder.eventId,
      action: reply.action,
    });
    await this.confirm(reminder, message, reply.action);
  }

  /** False when the appointment is gone and the reply has nothing left to change. */
  private async applyAtGoogle(reminder: Reminder, action: ReplyAction): Promise<boolean> {
    const target = {
      tenantId: reminder.tenantId,
      calendarId: reminder.calendarId,
      eventId: reminder.eventId,
    };
    try {
      if (action === 'confirm') await this.events.setAppointmentStatus(target, 'confirmed');
      if (action === 'cancel') await this.events.delete({ ...target, sendUpdates: 'all' });
      return true;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      // Cancelled already: by this very reply on an earlier delivery, or at the front desk.
      return action === 'cancel';
    }
  }

  private async confirm(
    reminder: Reminder,
    message: ReceivedMessage,
    action: ReplyAction,
  ): Promise<void> {
    const rule = await this.rules.get(reminder.tenantId, reminder.ruleId);
    const body = rule?.confirmationTexts[action];
    if (!body) return;
    const to = await this.recipients.addressOf(
      reminder.tenantId,
      reminder.contactId,
      message.channelAccountId,
    );
    if (!to) return;
    try {
      await this.dispatcher.accept({
        tenantId: reminder.tenantId,
        channelAccountId: message.channelAccountId,
        to,
        type: 'text',
        text: { body },
        replyTo: message.id,
        idempotency: { key: `calendar-reply:${message.id}`, fingerprint: 'calendar-reply' },
      });
    } catch (error) {
      // The change stands; a confirmation refused for good (account gone, consent) is logged,
      // a passing failure retried by the stream.
      if (!(error instanceof DomainError) || ['unavailable', 'rate-limited'].includes(error.kind))
        throw error;
      this.logger.warn(
        { reminderId: reminder.id, code: error.code },
        'Reply applied; its confirmation was refused',
      );
    }
  }
}
