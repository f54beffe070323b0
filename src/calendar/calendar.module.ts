import { Module } from '@nestjs/common';
import { CalendarCache } from './cache/calendar-cache';
import { calendarMetrics } from './calendar.metrics';
import { CalendarCircuitOwner } from './connection/calendar-circuit-owner';
import { CalendarConnectionsRepository } from './connection/calendar-connections.repository';
import { CalendarTokens } from './connection/calendar-tokens';
import { ConnectService } from './connection/connect.service';
import { OAuthStates } from './connection/oauth-states';
import { CalendarLocks } from './connection/calendar-locks';
import { CalendarApi } from './google/calendar-api';
import { GoogleClients } from './google/google-clients';
import { GoogleTransport } from './google/google-transport';
import { AvailabilityService } from './availability/availability.service';
import { BookingGuard } from './events/booking-guard';
import { EventsService } from './events/events.service';
import { CalendarAvailabilityController } from './http/calendar-availability.controller';
import { CalendarConnectionController } from './http/calendar-connection.controller';
import { CalendarEventsController } from './http/calendar-events.controller';
import { CalendarSettingsRepository } from './settings/calendar-settings.repository';
import { CalendarOperationsController } from './http/calendar-operations.controller';
import { CalendarOperationsQueue } from './operations/calendar-operations.queue';
import { CalendarOperationsRepository } from './operations/calendar-operations.repository';
import { CalendarOperationsSweeper } from './operations/calendar-operations.sweeper';
import { CalendarProcessor } from './operations/calendar.processor';
import { CalendarWrites } from './operations/calendar-writes';
import { InboxModule } from '@core/inbox/inbox.module';
import { MessagingModule } from '@app/messaging/messaging.module';
import { AppointmentChangesListener } from './reminders/appointment-changes.listener';
import { AppointmentReminders } from './reminders/appointment-reminders';
import { ReminderClock } from './reminders/reminder-clock';
import { ReminderErasureListener } from './reminders/reminder-erasure.listener';
import { ReminderRecipients } from './reminders/reminder-recipients';
import { ReminderRepliesListener } from './reminders/reminder-replies.listener';
import { ReminderRepliesRepository } from './reminders/reminder-replies.repository';
import { ReminderRulesController } from './reminders/reminder-rules.controller';
import { ReminderRulesRepository } from './reminders/reminder-rules.repository';
import { ReminderRulesService } from './reminders/reminder-rules.service';
import { RemindersRepository } from './reminders/reminders.repository';
import { RemindersTask } from './reminders/reminders.task';
import { AppointmentsRepository } from './sync/appointments.repository';
import { CalendarChannelsRepository } from './sync/calendar-channels.repository';
import { CalendarSyncService } from './sync/calendar-sync.service';
import { CalendarWatchService } from './sync/calendar-watch.service';
import { CalendarWatchTask } from './sync/calendar-watch.task';
import { GoogleCalendarInboundHandler } from './sync/google-calendar-inbound.handler';
import { GoogleCalendarWebhookController } from './sync/google-calendar-webhook.controller';
import { CalendarDataContributor } from './privacy/calendar-data.contributor';

const httpControllers = [
  CalendarConnectionController,
  CalendarEventsController,
  CalendarAvailabilityController,
  ReminderRulesController,
  GoogleCalendarWebhookController,
  CalendarOperationsController,
];
const google = [GoogleTransport, GoogleClients, CalendarApi];
const connection = [
  ConnectService,
  OAuthStates,
  CalendarTokens,
  CalendarLocks,
  CalendarCircuitOwner,
];
const events = [EventsService, BookingGuard, AvailabilityService];
const reminders = [
  AppointmentChangesListener,
  AppointmentReminders,
  ReminderClock,
  ReminderErasureListener,
  ReminderRecipients,
  ReminderRepliesListener,
  ReminderRepliesRepository,
  ReminderRulesRepository,
  ReminderRulesService,
  RemindersRepository,
  RemindersTask,
];
const sync = [
  CalendarSyncService,
  CalendarWatchService,
  CalendarWatchTask,
  GoogleCalendarInboundHandler,
];
const operations = [
  CalendarWrites,
  CalendarOperationsRepository,
  CalendarOperationsQueue,
  CalendarProcessor,
  CalendarOperationsSweeper,
];
const repositories = [
  CalendarDataContributor,
  CalendarConnectionsRepository,
  CalendarSettingsRepository,
  CalendarCache,
  CalendarChannelsRepository,
  AppointmentsRepository,
];

/**
 * Google Calendar per tenant: the OAuth connect flow, token refresh (once per connection across
 * pods), calendars, events and availability, with reads cached in Redis; two-way sync (push
 * channels, incremental sync, `appointment.changed` on the messaging event stream). A plug-in: nobody but
 * app.module imports it; it reaches messaging only through its exported services.
 */
@Module({
  imports: [MessagingModule, InboxModule],
  controllers: httpControllers,
  providers: [
    ...google,
    ...connection,
    ...events,
    ...reminders,
    ...sync,
    ...operations,
    ...repositories,
    ...calendarMetrics,
  ],
  // Other modules read appointments by the id `appointment.changed` names.
  exports: [AppointmentReminders, AppointmentsRepository],
})
export class CalendarModule {}
