import { Injectable, Logger } from '@nestjs/common';
import { CodeChallengeMethod } from 'google-auth-library';
import { AuditTrail } from '@app/audit/audit-trail';
import { AppConfig } from '@config/app-config';
import { AlertRaiser } from '@core/alerts/alert-raiser';
import { DomainError } from '@core/errors/domain-error';
import { PlatformError } from '@core/errors/platform-error';
import { ResilientCaller } from '@core/resilience/resilient-caller';
import { RetryPolicyFactory } from '@core/resilience/retry-policy';
import { CalendarNotConnectedError } from '../calendar.errors';
import { CalendarWatchService } from '../sync/calendar-watch.service';
import { CalendarCache } from '../cache/calendar-cache';
import { CALENDAR_SCOPES, GoogleClients } from '../google/google-clients';
import { unwrapGoogleError } from '../google/google-transport';
import { calendarBreaker } from './calendar-breaker';
import { CalendarConnectionsRepository } from './calendar-connections.repository';
import { calendarReauthAlert } from './calendar-reauth-alert';
import { OAuthStates } from './oauth-states';

export interface CallbackQuery {
  code?: string;
  state?: string;
  error?: string;
}

/** Outcome codes appended to the frontend URL (`?calendar=error&code=...`). */
export type ConnectFailure =
  'STATE_INVALID' | 'ACCESS_DENIED' | 'SCOPES_MISSING' | 'NO_REFRESH_TOKEN' | 'EXCHANGE_FAILED';

/**
 * The connect flow: a consent URL with a sealed single-use state and PKCE; the browser's
 * callback, which exchanges the code, reads the granted calendars and stores the grant; and
 * disconnecting, which revokes the grant at Google before deleting it here. Both are audited
 * (`calendar_connection.connected` / `.disconnected`) and end a `token.refresh_failed` alert
 * the connection had: a new grant works, a deleted one needs nothing more.
 */
@Injectable()
export class ConnectService {
  private readonly logger = new Logger(ConnectService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly google: GoogleClients,
    private readonly states: OAuthStates,
    private readonly connections: CalendarConnectionsRepository,
    private readonly resilient: ResilientCaller,
    private readonly retries: RetryPolicyFactory,
    private readonly cache: CalendarCache,
    private readonly watch: CalendarWatchService,
    private readonly audit: AuditTrail,
    private readonly alerts: AlertRaiser,
  ) {}

  async consentUrl(tenantId: string): Promise<{ url: string; expiresAt: Date }> {
    const oauth = this.google.oauth();
    const { codeVerifier, codeChallenge } = await oauth.generateCodeVerifierAsync();
    const { state } = await this.states.issue(tenantId, codeVerifier, codeChallenge!);
    const url = oauth.generateAuthUrl({
      access_type: 'offline',
      // Consent every time, so a reconnect always gets a new refresh token.
      prompt: 'consent',
      scope: [...CALENDAR_SCOPES],
      include_granted_scopes: true,
      state,
      code_challenge: codeChallenge,
      code_challenge_method: CodeChallengeMethod.S256,
    });
    return { url, expiresAt: new Date(Date.now() + this.config.calendar.stateTtlSeconds * 1000) };
  }

  /** Where to send the browser: the frontend URL with the outcome. Never throws. */
  async callback(query: CallbackQuery): Promise<string> {
    if (!query.state) return this.frontend({ failure: 'STATE_INVALID' });
    const consumed = await this.states.consume(query.state);
    if ('refused' in consumed) {
      this.logger.warn(
        { refusal: consumed.refused },
        'Calendar OAuth callback with a refused state',
      );
      return this.frontend({ failure: 'STATE_INVALID' });
    }
    if (query.error || !query.code) return this.frontend({ failure: 'ACCESS_DENIED' });
    try {
      await this.connect(consumed.tenantId, query.code, consumed.codeVerifier);
      return this.frontend({});
    } catch (error) {
      const failure: ConnectFailure =
        error instanceof ConnectFailed ? error.failure : 'EXCHANGE_FAILED';
      this.logger.warn(
        { tenantId: consumed.tenantId, failure, cause: (error as DomainError).code },
        'Calendar connect failed',
      );
      return this.frontend({ failure });
    }
  }

  async disconnect(tenantId: string): Promise<void> {
    const connection = await this.connections.findByTenant(tenantId);
    if (!connection) throw new CalendarNotConnectedError();
    if (connection.status === 'active') {
      // While the grant still works: Google stops pushing to channels nobody will read.
      await this.watch.stopAll(connection);
      await this.revoke(connection.id, connection.refreshToken);
    }
    await this.connections.delete(tenantId, connection.id);
    await this.cache.invalidate(tenantId);
    await this.audit.record({
      action: 'calendar_connection.disconnected',
      tenantId,
      resource: { type: 'calendar_connection', id: connection.id },
    });
    await this.alerts.resolve(calendarReauthAlert(tenantId, connection.id), 'disconnected');
  }

  private async connect(tenantId: string, code: string, codeVerifier: string): Promise<void> {
    const oauth = this.google.oauth();
    // The code is single-use: a retried exchange would only meet invalid_grant.
    const { tokens } = await this.callGoogle(
      `tenant:${tenantId}`,
      () => oauth.getToken({ code, codeVerifier }),
      this.retries.create({ maxAttempts: 1 }),
    );
    if (!tokens.refresh_token) throw new ConnectFailed('NO_REFRESH_TOKEN');
    const granted = (tokens.scope ?? '').split(' ');
    if (!CALENDAR_SCOPES.every((scope) => granted.includes(scope))) {
      // Google's granular consent lets the user untick a scope; without both we cannot work.
      await this.revoke(`tenant:${tenantId}`, tokens.refresh_token).catch(() => undefined);
      throw new ConnectFailed('SCOPES_MISSING');
    }
    const list = await this.callGoogle(`tenant:${tenantId}`, () =>
      this.google.calendar(tokens.access_token!).calendarList.list({ minAccessRole: 'writer' }),
    );
    const items = list.data.items ?? [];
    const primary = items.find((item) => item.primary);
    const previous = await this.connections.findByTenant(tenantId);
    const saved = await this.connections.saveGrant(tenantId, {
      // The primary calendar's id is the account's email address (calendarList docs).
      googleAccount: primary?.id ?? items[0]?.id ?? 'unknown',
      scopes: granted,
      refreshToken: tokens.refresh_token,
      accessToken: tokens.access_token!,
      accessTokenExpiresAt: new Date(tokens.expiry_date ?? Date.now() + 3_000_000),
      calendars: items.map((item) => ({
        calendarId: item.id!,
        summary: item.summaryOverride ?? item.summary ?? item.id!,
        timeZone: item.timeZone ?? this.config.calendar.defaultTimeZone,
        primary: item.primary === true,
        accessRole: item.accessRole ?? 'writer',
      })),
    });
    await this.cache.invalidate(tenantId);
    await this.startWatching(tenantId);
    await this.audit.record({
      action: 'calendar_connection.connected',
      tenantId,
      resource: { type: 'calendar_connection', id: saved.id },
    });
    await this.alerts.resolve(calendarReauthAlert(tenantId, saved.id), 'reconnected');
    if (
      previous &&
      previous.status === 'active' &&
      previous.refreshToken !== tokens.refresh_token
    ) {
      // The replaced grant would stay valid at Google; end it (best effort, the new one works).
      await this.revoke(previous.id, previous.refreshToken).catch((error: unknown) =>
        this.logger.warn(
          { tenantId, cause: (error as DomainError).code },
          'Old calendar grant not revoked',
        ),
      );
    }
  }

  /**
   * Push channels open now, so changes made from here on are pushed; the calendars' baseline
   * sync is left to the watch task (a large calendar must not hold the user's browser). A
   * failure only delays the channels to the task's next round.
   */
  private async startWatching(tenantId: string): Promise<void> {
    try {
      const connection = await this.connections.findByTenant(tenantId);
      if (connection) await this.watch.keepWatching(connection, Date.now(), false);
    } catch (error) {
      this.logger.warn(
        { tenantId, cause: (error as DomainError).code },
        'Calendar push channels not opened; the watch task retries',
      );
    }
  }

  /** Revokes a grant; one Google already forgot (invalid_token) counts as revoked. */
  private async revoke(account: string, refreshToken: string): Promise<void> {
    try {
      await this.callGoogle(account, () => this.google.oauth().revokeToken(refreshToken));
    } catch (error) {
      if (error instanceof PlatformError && error.details.platformCode === 'invalid_token') return;
      throw error;
    }
  }

  private callGoogle<T>(account: string, fn: () => Promise<T>, retry = this.retries.default) {
    return this.resilient.call(
      calendarBreaker(account),
      async () => {
        try {
          return await fn();
        } catch (error) {
          throw unwrapGoogleError(error);
        }
      },
      retry,
    );
  }

  private frontend({ failure }: { failure?: ConnectFailure }): string {
    const url = new URL(this.config.calendar.frontendRedirectUrl);
    url.searchParams.set('calendar', failure ? 'error' : 'connected');
    if (failure) url.searchParams.set('code', `CALENDAR.${failure}`);
    return url.toString();
  }
}

class ConnectFailed extends Error {
  constructor(readonly failure: ConnectFailure) {
    super(failure);
  }
}
