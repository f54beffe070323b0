import { Injectable } from '@nestjs/common';
import { PlatformError } from '@core/errors/platform-error';
import { ResilientCaller } from '@core/resilience/resilient-caller';
import {
  CalendarEventChangedError,
  CalendarNeedsReauthError,
  CalendarNotConnectedError,
} from '../calendar.errors';
import { calendarBreaker } from '../connection/calendar-breaker';
import type { CalendarConnection } from '../connection/calendar-connection';
import { CalendarConnectionsRepository } from '../connection/calendar-connections.repository';
import { CalendarTokens } from '../connection/calendar-tokens';
import { GoogleClients, calendar_v3 } from './google-clients';
import { unwrapGoogleError } from './google-transport';

export type CalendarCall<T> = (calendar: calendar_v3.Calendar) => Promise<{ data: T }>;

/**
 * Runs Calendar v3 calls for a tenant: its connection's token (refreshed when near expiry),
 * retry with backoff around the connection's breaker (ResilientCaller), and on a 401 one
 * refresh and one more try. Google's answers come back as domain errors: 412 → EVENT_CHANGED,
 * permanent 4xx → PlatformError with Google's message, needs_reauth → NEEDS_REAUTH.
 */
@Injectable()
export class CalendarApi {
  constructor(
    private readonly connections: CalendarConnectionsRepository,
    private readonly tokens: CalendarTokens,
    private readonly google: GoogleClients,
    private readonly resilient: ResilientCaller,
  ) {}

  async connection(tenantId: string): Promise<CalendarConnection> {
    const connection = await this.connections.findByTenant(tenantId);
    if (!connection) throw new CalendarNotConnectedError();
    if (connection.status === 'needs_reauth') throw new CalendarNeedsReauthError();
    return connection;
  }

  async run<T>(tenantId: string, call: CalendarCall<T>): Promise<T> {
    const connection = await this.connection(tenantId);
    const token = await this.tokens.accessToken(connection);
    try {
      return await this.attempt(connection, token, call);
    } catch (error) {
      if (!(error instanceof PlatformError && error.details.status === 401)) throw mapped(error);
      // The token was refused before its expiry (revoked, rotated): refresh once and retry.
      const fresh = await this.tokens.refresh(connection, token);
      return this.attempt(connection, fresh, call).catch((again: unknown) => {
        throw mapped(again);
      });
    }
  }

  private attempt<T>(connection: CalendarConnection, token: string, call: CalendarCall<T>) {
    return this.resilient.call(calendarBreaker(connection.id), async () => {
      try {
        return (await call(this.google.calendar(token))).data;
      } catch (error) {
        throw unwrapGoogleError(error);
      }
    });
  }
}

function mapped(error: unknown): unknown {
  if (error instanceof PlatformError && error.details.status === 412) {
    return new CalendarEventChangedError();
  }
  return error;
}
