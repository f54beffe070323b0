import { Injectable } from '@nestjs/common';
import type { MessagingEvent } from '@app/messaging/events/messaging-event';
import { OnMessagingEvent } from '@app/messaging/events/on-messaging-event.decorator';
import { AppointmentsRepository } from '../sync/appointments.repository';
import { AppointmentReminders } from './appointment-reminders';

/**
 * Changes made in Google (moved, cancelled, relinked) reach the reminders through the sync's
 * `appointment.changed` events; Omnihub's own writes call the reminders directly, and telling
 * them twice changes nothing. Reads the appointment as the sync stored it: the event names it
 * by id only.
 */
@Injectable()
export class AppointmentChangesListener {
  constructor(
    private readonly appointments: AppointmentsRepository,
    private readonly reminders: AppointmentReminders,
  ) {}

  @OnMessagingEvent({ subscriber: 'calendar.reminders', types: ['appointment.changed'] })
  async onChanged(event: MessagingEvent): Promise<void> {
    const appointment = await this.appointments.find(event.tenantId, event.streamId);
    if (!appointment) return;
    await this.reminders.onAppointmentChanged({
      tenantId: appointment.tenantId,
      calendarId: appointment.calendarId,
      eventId: appointment.eventId,
      contactId: appointment.contactId,
      start: appointment.startsAt?.toISOString() ?? null,
      status: appointment.status,
    });
  }
}
