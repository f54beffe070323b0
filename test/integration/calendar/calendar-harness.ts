import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GoogleFake, startGoogleFake } from '@test/fakes/google/google-fake';
import type { FakeCalendar } from '@test/fakes/google/google-calendar-store';
import { TestTenant, createTenant, createTestApp } from '@test/support/test-app';

export const CLIENT = {
  clientId: '1234567890-omnihub.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-omnihub-test-secret',
  redirectUri: 'https://omnihub.example/api/v2/calendar/oauth/callback',
};
export const FRONTEND = 'https://app.clinic.example/settings/calendar';

/** The clinic's Google account: the front desk (primary) and one professional's calendar. */
export const CALENDARS: FakeCalendar[] = [
  {
    id: 'recepcao@clinica.example',
    summary: 'Recepção',
    timeZone: 'America/Sao_Paulo',
    primary: true,
  },
  {
    id: 'c_dra.ana@group.calendar.google.com',
    summary: 'Dra. Ana',
    timeZone: 'America/New_York',
  },
];

export interface CalendarScene {
  app: NestFastifyApplication;
  google: GoogleFake;
  close(): Promise<void>;
}

/** The production app with its Google endpoints pointed at a fresh Google fake. */
export async function startCalendarScene(env: Record<string, string> = {}): Promise<CalendarScene> {
  const google = await startGoogleFake({ client: CLIENT, calendars: structuredClone(CALENDARS) });
  const app = await createTestApp({
    GOOGLE_OAUTH_CLIENT_ID: CLIENT.clientId,
    GOOGLE_OAUTH_CLIENT_SECRET: CLIENT.clientSecret,
    GOOGLE_OAUTH_REDIRECT_URI: CLIENT.redirectUri,
    GOOGLE_OAUTH_AUTH_URL: `${google.url}/o/oauth2/v2/auth`,
    GOOGLE_OAUTH_TOKEN_URL: `${google.url}/token`,
    GOOGLE_OAUTH_REVOKE_URL: `${google.url}/revoke`,
    GOOGLE_CALENDAR_BASE_URL: google.url,
    CALENDAR_FRONTEND_REDIRECT_URL: FRONTEND,
    RETRY_BASE_DELAY_MS: '10',
    ...env,
  });
  return {
    app,
    google,
    close: async () => {
      await app.close();
      await google.close();
    },
  };
}

export async function consentUrl(scene: CalendarScene, tenant: TestTenant): Promise<string> {
  const response = await scene.app.inject({
    method: 'GET',
    url: '/api/v2/calendar/oauth/url',
    headers: tenant.headers,
  });
  if (response.statusCode !== 200) throw new Error(`oauth/url: ${response.body}`);
  return response.json<{ url: string }>().url;
}

/** Google's redirect reaching our callback, as the browser follows it (no API key). */
export function callback(scene: CalendarScene, query: Record<string, string>) {
  return scene.app.inject({
    method: 'GET',
    url: `/api/v2/calendar/oauth/callback?${new URLSearchParams(query).toString()}`,
  });
}

/** A new tenant (or `existing` again) whose user went through consent: the connection is active. */
export async function connectedTenant(
  scene: CalendarScene,
  existing?: TestTenant,
): Promise<TestTenant> {
  const tenant = existing ?? (await createTenant(scene.app));
  const { code, state } = scene.google.oauth.consent(await consentUrl(scene, tenant));
  const answer = await callback(scene, { state, code, scope: 'x', authuser: '0' });
  if (answer.headers.location !== `${FRONTEND}?calendar=connected`) {
    throw new Error(`connect failed: ${String(answer.headers.location)}`);
  }
  return tenant;
}
