import { Injectable } from '@nestjs/common';
import type { MessagingEvent } from '@app/messaging/events/messaging-event';
import { OnMessagingEvent } from '@app/messaging/events/on-messaging-event.decorator';
import { RemindersRepository } from './reminders.repository';

/**
 * An erased contact gets no more reminders: its unsent ones are cancelled (the rows keep only
 * ids, so nothing personal is left to erase here). Idempotent: a second delivery finds none.
 */
@Injectable()
export class ReminderErasureListener {
  constructor(private readonly reminders: RemindersRepository) {}

  @OnMessagingEvent({ subscriber: 'calendar.reminder-erasure', types: ['contact.erased'] })
  async onErased(event: MessagingEvent): Promise<void> {
    if (event.contactId) await this.reminders.cancelForContact(event.tenantId, event.contactId);
  }
}
