import { Module } from '@nestjs/common';
import { CalendarCache } from './cache/calendar-cache';
import { calendarMetrics } from './calendar.metrics';
import { CalendarConnectionsRepository } from './connection/calendar-connections.repository';
import { CalendarTokens } from './connection/calendar-tokens';
import { ConnectService } from './connection/connect.service';
import { OAuthStates } from './connection/oauth-states';
import { RefreshLock } from './connection/refresh-lock';
import { CalendarApi } from './google/calendar-api';
import { GoogleClients } from './google/google-clients';
import { GoogleTransport } from './google/google-transport';
import { CalendarConnectionController } from './http/calendar-connection.controller';

const httpControllers = [CalendarConnectionController];
const google = [GoogleTransport, GoogleClients, CalendarApi];
const connection = [ConnectService, OAuthStates, CalendarTokens, RefreshLock];
const repositories = [CalendarConnectionsRepository, CalendarCache];

/**
 * Google Calendar per tenant: the OAuth connect flow, token refresh (once per connection across
 * pods), calendars, events and availability, with reads cached in Redis. A plug-in: nobody but
 * app.module imports it; it reaches messaging only through its exported services.
 */
@Module({
  controllers: httpControllers,
  providers: [...google, ...connection, ...repositories, ...calendarMetrics],
})
export class CalendarModule {}
