import { Injectable } from '@nestjs/common';
// The Calendar API alone: the `googleapis` index loads every Google API (~2 s at boot).
import { calendar_v3 } from 'googleapis/build/src/apis/calendar';
import { OAuth2Client } from 'google-auth-library';
import { AppConfig } from '@config/app-config';
import { CalendarNotConfiguredError } from '../calendar.errors';
import { GoogleTransport } from './google-transport';

/** What the connect flow asks for: events read/write and free/busy (least privilege). */
export const CALENDAR_SCOPES = [
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.readonly',
] as const;

/**
 * googleapis clients pointed at the configured endpoints (GOOGLE_OAUTH_*_URL,
 * GOOGLE_CALENDAR_BASE_URL) and sending through GoogleTransport. Clients are built per use and
 * hold one connection's tokens only for that use: nothing per tenant stays on a shared object.
 */
@Injectable()
export class GoogleClients {
  constructor(
    private readonly config: AppConfig,
    private readonly transport: GoogleTransport,
  ) {}

  /** The OAuth2 client of our Google app (consent URLs, code exchange, refresh, revoke). */
  oauth(): OAuth2Client {
    const { clientId, clientSecret, authUrl, tokenUrl, revokeUrl, redirectUri } =
      this.config.calendar;
    if (!clientId || !clientSecret) throw new CalendarNotConfiguredError();
    return new OAuth2Client({
      clientId,
      clientSecret,
      redirectUri,
      endpoints: {
        oauth2AuthBaseUrl: authUrl,
        oauth2TokenUrl: tokenUrl,
        oauth2RevokeUrl: revokeUrl,
      },
      transporterOptions: { adapter: this.transport.adapter },
    });
  }

  /**
   * Calendar v3 acting with `accessToken`. The client is given no refresh token, so the SDK
   * never refreshes on its own: refreshing is CalendarTokens' job (once per connection, across
   * pods). Its retry is off: ResilientCaller retries, through the breaker.
   */
  calendar(accessToken: string): calendar_v3.Calendar {
    const auth = this.oauth();
    auth.setCredentials({ access_token: accessToken, token_type: 'Bearer' });
    return new calendar_v3.Calendar({
      auth,
      rootUrl: this.config.calendar.apiRootUrl,
      retry: false,
    });
  }
}

export type { calendar_v3 };
