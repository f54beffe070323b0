import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { AlertRaiser } from '@core/alerts/alert-raiser';
import { PlatformError } from '@core/errors/platform-error';
import { ResilientCaller } from '@core/resilience/resilient-caller';
import { CalendarNeedsReauthError } from '../calendar.errors';
import { CALENDAR_TOKEN_REFRESHES_TOTAL } from '../calendar.metrics';
import { GoogleClients } from '../google/google-clients';
import { unwrapGoogleError } from '../google/google-transport';
import { calendarBreaker } from './calendar-breaker';
import { calendarReauthAlert } from './calendar-reauth-alert';
import type { CalendarConnection } from './calendar-connection';
import { CalendarConnectionsRepository } from './calendar-connections.repository';
import { CalendarLocks } from './calendar-locks';

/** Refresh this long before Google's expiry, so a token never expires mid-call. */
const EARLY_REFRESH_MS = 120_000;

/**
 * A connection's access token: the stored one while it has more than two minutes left, else a
 * new one from Google. A refresh happens once per connection however many callers need it: in
 * this process callers share one promise, across pods CalendarLocks lets one through and the
 * others reuse what it stored. `invalid_grant` marks the connection `needs_reauth` and raises
 * `token.refresh_failed` for the tenant (once: only the call that marked it), resolved when the
 * tenant reconnects or disconnects (ConnectService).
 */
@Injectable()
export class CalendarTokens {
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly connections: CalendarConnectionsRepository,
    private readonly google: GoogleClients,
    private readonly lock: CalendarLocks,
    private readonly resilient: ResilientCaller,
    private readonly alerts: AlertRaiser,
    @InjectMetric(CALENDAR_TOKEN_REFRESHES_TOTAL) private readonly refreshes: Counter<string>,
  ) {}

  async accessToken(connection: CalendarConnection): Promise<string> {
    if (connection.status === 'needs_reauth') throw new CalendarNeedsReauthError();
    if (isFresh(connection)) return connection.accessToken!;
    return this.refresh(connection, connection.accessToken);
  }

  /**
   * A new token unless the stored one already differs from `stale` (someone refreshed since
   * the caller read it). Google answering 401 to `stale` is a reason to call this.
   */
  refresh(connection: CalendarConnection, stale: string | undefined): Promise<string> {
    let pending = this.inFlight.get(connection.id);
    if (!pending) {
      pending = this.refreshAcrossPods(connection, stale).finally(() =>
        this.inFlight.delete(connection.id),
      );
      this.inFlight.set(connection.id, pending);
    }
    return pending;
  }

  private async refreshAcrossPods(
    connection: CalendarConnection,
    stale: string | undefined,
  ): Promise<string> {
    for (;;) {
      const current = await this.connections.findByTenant(connection.tenantId);
      if (!current || current.id !== connection.id || current.status === 'needs_reauth') {
        throw new CalendarNeedsReauthError();
      }
      if (current.accessToken && current.accessToken !== stale && isFresh(current)) {
        return current.accessToken;
      }
      const owner = await this.lock.tryAcquire(`refresh:${connection.id}`);
      if (!owner) {
        await this.lock.waitForRelease(`refresh:${connection.id}`);
        continue;
      }
      try {
        // Reread under the lock: the previous holder may have stored a token just now.
        const latest = await this.connections.findByTenant(connection.tenantId);
        if (latest?.accessToken && latest.accessToken !== stale && isFresh(latest)) {
          return latest.accessToken;
        }
        return await this.askGoogle(current);
      } finally {
        await this.lock.release(`refresh:${connection.id}`, owner);
      }
    }
  }

  private async askGoogle(connection: CalendarConnection): Promise<string> {
    const client = this.google.oauth();
    client.setCredentials({ refresh_token: connection.refreshToken });
    try {
      const { token } = await this.resilient.call(calendarBreaker(connection.id), async () => {
        try {
          return await client.getAccessToken();
        } catch (error) {
          throw unwrapGoogleError(error);
        }
      });
      const expiry = client.credentials.expiry_date;
      if (!token || !expiry) throw new Error('Google answered a refresh without a token');
      await this.connections.saveAccessToken(connection.id, token, new Date(expiry));
      this.refreshes.inc({ outcome: 'refreshed' });
      return token;
    } catch (error) {
      if (error instanceof PlatformError && error.details.platformCode === 'invalid_grant') {
        this.refreshes.inc({ outcome: 'invalid_grant' });
        if (await this.connections.markNeedsReauth(connection.id)) {
          await this.alerts.raise({
            ...calendarReauthAlert(connection.tenantId, connection.id),
            severity: 'warning',
            title: 'Google refused the calendar grant: the tenant must reconnect Google Calendar',
            detail: 'invalid_grant',
            labels: { hub: 'calendar', provider: 'google' },
          });
        }
        throw new CalendarNeedsReauthError();
      }
      this.refreshes.inc({ outcome: 'failed' });
      throw error;
    }
  }
}

function isFresh(connection: CalendarConnection): boolean {
  return (
    connection.accessToken !== undefined &&
    connection.accessTokenExpiresAt !== undefined &&
    connection.accessTokenExpiresAt.getTime() - EARLY_REFRESH_MS > Date.now()
  );
}
