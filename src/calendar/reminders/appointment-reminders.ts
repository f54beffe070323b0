import { Injectable } from '@nestjs/common';
import { ReminderClock } from './reminder-clock';
import { ReminderRulesRepository } from './reminder-rules.repository';
import { RemindersRepository } from './reminders.repository';

/** An appointment as it now stands, from Omnihub's own writes or from Google's changes. */
export interface AppointmentChange {
  tenantId: string;
  calendarId: string;
  eventId: string;
  /** The Omnihub contact reminded; null when none is linked (nothing to remind). */
  contactId: string | null;
  /** RFC 3339 with an offset (a timed event); null for an all-day event. */
  start: string | null;
  /** Google's event status: confirmed, tentative or cancelled. */
  status: string;
}

/**
 * The one entry point of the reminders: told of every change of an appointment (created,
 * moved, relinked, cancelled), it keeps the durable schedule in step. Idempotent: the same
 * change told twice (our write, then Google's push of it) changes nothing the second time.
 */
@Injectable()
export class AppointmentReminders {
  constructor(
    private readonly rules: ReminderRulesRepository,
    private readonly reminders: RemindersRepository,
    private readonly clock: ReminderClock,
  ) {}

  async onAppointmentChanged(change: AppointmentChange): Promise<void> {
    const key = {
      tenantId: change.tenantId,
      calendarId: change.calendarId,
      eventId: change.eventId,
    };
    const start = change.start ? new Date(change.start) : null;
    if (
      change.status === 'cancelled' ||
      !change.contactId ||
      !start ||
      Number.isNaN(start.getTime())
    ) {
      await this.reminders.cancel(key);
      return;
    }
    const rules = await this.rules.enabled(change.tenantId);
    await this.reminders.schedule(key, change.contactId, start, rules, this.clock.now());
  }
}
