import { CalendarOperationsRepository } from '@app/calendar/operations/calendar-operations.repository';
import { newId } from '@core/database/ids';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GoogleFake, startGoogleFake } from '@test/fakes/google/google-fake';
import type { TestTenant } from '@test/support/test-app';

const CLIENT = {
  clientId: '1234567890-estate.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-estate-secret',
  redirectUri: 'https://omnihub.example.com/api/v2/calendar/oauth/callback',
};

/** One Google account (a primary calendar) every estate tenant connects. */
export async function startEstateGoogle(): Promise<{
  google: GoogleFake;
  env: Record<string, string>;
}> {
  const google = await startGoogleFake({
    client: CLIENT,
    calendars: [
      {
        id: 'estate@calendar.example',
        summary: 'Estate',
        timeZone: 'America/Sao_Paulo',
        primary: true,
      },
    ],
  });
  return {
    google,
    env: {
      GOOGLE_OAUTH_CLIENT_ID: CLIENT.clientId,
      GOOGLE_OAUTH_CLIENT_SECRET: CLIENT.clientSecret,
      GOOGLE_OAUTH_REDIRECT_URI: CLIENT.redirectUri,
      GOOGLE_OAUTH_TOKEN_URL: `${google.url}/token`,
      GOOGLE_OAUTH_REVOKE_URL: `${google.url}/revoke`,
      GOOGLE_CALENDAR_BASE_URL: google.url,
    },
  };
}

/**
 * The tenant connects the calendar (consent → callback) and books one appointment; its id.
 * Tenants share the Google account, so their events sit in one calendar: each must still see
 * only its own.
 */
export async function estateCalendarEvent(
  app: NestFastifyApplication,
  google: GoogleFake,
  tenant: TestTenant,
  label: string,
  index: number,
): Promise<string> {
  const consent = await app.inject({
    method: 'GET',
    url: '/api/v2/calendar/oauth/url',
    headers: tenant.headers,
  });
  const { code, state } = google.oauth.consent(consent.json<{ url: string }>().url);
  const callback = await app.inject({
    method: 'GET',
    url: `/api/v2/calendar/oauth/callback?${new URLSearchParams({ code, state }).toString()}`,
  });
  if (!String(callback.headers.location).includes('calendar=connected')) {
    throw new Error(`${label}: calendar not connected: ${String(callback.headers.location)}`);
  }
  const booked = await app.inject({
    method: 'POST',
    url: '/api/v2/calendar/events',
    headers: tenant.headers,
    payload: {
      title: `${label} appointment`,
      start: `2030-01-0${index + 1}T09:00:00`,
      end: `2030-01-0${index + 1}T09:30:00`,
    },
  });
  if (booked.statusCode !== 201) throw new Error(`${label}: event not booked: ${booked.body}`);
  return booked.json<{ id: string }>().id;
}

/**
 * A queued calendar write of the tenant (as if made while Google was failing): a change whose
 * If-Match is stale, so if a worker applies it, it only fails (412) and changes nothing.
 */
export async function estateCalendarOperation(
  app: NestFastifyApplication,
  tenant: TestTenant,
  eventId: string,
): Promise<string> {
  const operation = await app
    .get(CalendarOperationsRepository)
    .insert(
      newId(),
      tenant.id,
      { kind: 'update', command: { tenantId: tenant.id, eventId, ifMatch: '"estate-stale"' } },
      eventId,
    );
  return operation.id;
}
