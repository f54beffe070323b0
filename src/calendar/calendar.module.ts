import { Module } from '@nestjs/common';
import { CalendarCache } from './cache/calendar-cache';
import { calendarMetrics } from './calendar.metrics';
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
import { MessagingModule } from '@app/messaging/messaging.module';
import { CalendarDataContributor } from './privacy/calendar-data.contributor';

const httpControllers = [
  CalendarConnectionController,
  CalendarEventsController,
  CalendarAvailabilityController,
];
const google = [GoogleTransport, GoogleClients, CalendarApi];
const connection = [ConnectService, OAuthStates, CalendarTokens, CalendarLocks];
const events = [EventsService, BookingGuard, AvailabilityService];
const repositories = [
  CalendarDataContributor,
  CalendarConnectionsRepository,
  CalendarSettingsRepository,
  CalendarCache,
];

/**
 * Google Calendar per tenant: the OAuth connect flow, token refresh (once per connection across
 * pods), calendars, events and availability, with reads cached in Redis. A plug-in: nobody but
 * app.module imports it; it reaches messaging only through its exported services.
 */
@Module({
  imports: [MessagingModule],
  controllers: httpControllers,
  providers: [...google, ...connection, ...events, ...repositories, ...calendarMetrics],
})
export class CalendarModule {}
