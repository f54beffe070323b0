import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTenant } from '@test/support/test-app';
import {
  CALENDARS,
  CLIENT,
  CalendarScene,
  FRONTEND,
  callback,
  connectedTenant,
  consentUrl,
  startCalendarScene,
} from './calendar-harness';

describe('Calendar connect flow (Google OAuth against the fake)', () => {
  let scene: CalendarScene;

  beforeAll(async () => {
    scene = await startCalendarScene();
  });
  afterAll(() => scene.close());

  it('asks Google for offline access with forced consent, the calendar scopes, a state and PKCE', async () => {
    const tenant = await createTenant(scene.app);
    const url = new URL(await consentUrl(scene, tenant));
    expect(`${url.origin}${url.pathname}`).toBe(`${scene.google.url}/o/oauth2/v2/auth`);
    const query = url.searchParams;
    expect(query.get('client_id')).toBe(CLIENT.clientId);
    expect(query.get('redirect_uri')).toBe(CLIENT.redirectUri);
    expect(query.get('response_type')).toBe('code');
    expect(query.get('access_type')).toBe('offline');
    expect(query.get('prompt')).toBe('consent');
    expect(query.get('scope')?.split(' ')).toEqual([
      'https://www.googleapis.com/auth/calendar.events',
      'https://www.googleapis.com/auth/calendar.readonly',
    ]);
    expect(query.get('code_challenge_method')).toBe('S256');
    expect(query.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The state is sealed: the tenant id is not readable in it.
    expect(query.get('state')).not.toContain(tenant.id);
  });

  it('exchanges the code with its PKCE verifier, stores the tokens sealed and records account and calendars', async () => {
    const tenant = await connectedTenant(scene);
    const exchange = scene.google.requestsTo('POST', '/token').at(-1)!;
    const form = new URLSearchParams(exchange.rawBody.toString());
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('redirect_uri')).toBe(CLIENT.redirectUri);
    expect(form.get('code_verifier')).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);

    const connection = await scene.app.inject({
      method: 'GET',
      url: '/api/v2/calendar/connection',
      headers: tenant.headers,
    });
    expect(connection.json()).toMatchObject({
      googleAccount: 'recepcao@clinica.example',
      status: 'active',
      calendars: [
        { calendarId: CALENDARS[0].id, summary: 'Recepção', primary: true },
        { calendarId: CALENDARS[1].id, summary: 'Dra. Ana', timeZone: 'America/New_York' },
      ],
    });
    const [row] = await scene.app
      .get(DataSource)
      .query(`SELECT refresh_token, access_token FROM calendar_connections WHERE tenant_id = $1`, [
        tenant.id,
      ]);
    const refreshToken = scene.google.oauth.liveRefreshTokens().at(-1)!;
    expect(row.refresh_token).toMatch(/^v1\./);
    expect(row.refresh_token).not.toContain(refreshToken);
    expect(row.access_token).toMatch(/^v1\./);
  });

  it('refuses a forged state: nothing is exchanged or stored, the browser lands on the error', async () => {
    const tenant = await createTenant(scene.app);
    const { code } = scene.google.oauth.consent(await consentUrl(scene, tenant));
    const exchangesBefore = scene.google.requestsTo('POST', '/token').length;
    const forged = Buffer.from(JSON.stringify({ tenantId: tenant.id })).toString('base64url');

    const answer = await callback(scene, { code, state: forged });

    expect(answer.statusCode).toBe(302);
    expect(answer.headers.location).toBe(`${FRONTEND}?calendar=error&code=CALENDAR.STATE_INVALID`);
    expect(scene.google.requestsTo('POST', '/token')).toHaveLength(exchangesBefore);
    const status = await scene.app.inject({
      method: 'GET',
      url: '/api/v2/calendar/connection',
      headers: tenant.headers,
    });
    expect(status.json()).toMatchObject({ status: 409, code: 'CALENDAR.NOT_CONNECTED' });
  });

  it('refuses a replayed state: the second callback with the same state does nothing', async () => {
    const tenant = await createTenant(scene.app);
    const url = await consentUrl(scene, tenant);
    const first = scene.google.oauth.consent(url);
    expect((await callback(scene, first)).headers.location).toBe(`${FRONTEND}?calendar=connected`);
    const exchangesBefore = scene.google.requestsTo('POST', '/token').length;

    const replay = await callback(scene, scene.google.oauth.consent(url));

    expect(replay.headers.location).toBe(`${FRONTEND}?calendar=error&code=CALENDAR.STATE_INVALID`);
    expect(scene.google.requestsTo('POST', '/token')).toHaveLength(exchangesBefore);
  });

  it('answers a user who declined consent with ACCESS_DENIED and stores nothing', async () => {
    const tenant = await createTenant(scene.app);
    const { state } = scene.google.oauth.consent(await consentUrl(scene, tenant));

    const answer = await callback(scene, { state, error: 'access_denied' });

    expect(answer.headers.location).toBe(`${FRONTEND}?calendar=error&code=CALENDAR.ACCESS_DENIED`);
  });

  it('disconnecting revokes the grant at Google and deletes it here', async () => {
    const tenant = await connectedTenant(scene);
    const refreshToken = scene.google.oauth.liveRefreshTokens().at(-1)!;

    const answer = await scene.app.inject({
      method: 'DELETE',
      url: '/api/v2/calendar/connection',
      headers: tenant.headers,
    });

    expect(answer.statusCode).toBe(204);
    expect(scene.google.oauth.liveRefreshTokens()).not.toContain(refreshToken);
    const revoke = scene.google.requestsTo('POST', '/revoke').at(-1)!;
    expect(revoke.query.token).toBe(refreshToken);
    const calendars = await scene.app.inject({
      method: 'GET',
      url: '/api/v2/calendar/calendars',
      headers: tenant.headers,
    });
    expect(calendars.json()).toMatchObject({ status: 409, code: 'CALENDAR.NOT_CONNECTED' });
    const audited = await scene.app
      .get(DataSource)
      .query(`SELECT action FROM audit_log WHERE tenant_id = $1 ORDER BY seq`, [tenant.id]);
    expect(audited.map((row: { action: string }) => row.action)).toEqual(
      expect.arrayContaining(['calendar_connection.connected', 'calendar_connection.disconnected']),
    );
  });

  it('needs no secret in the URL: the PKCE challenge Google saw matches the verifier we sent', async () => {
    const tenant = await createTenant(scene.app);
    const url = new URL(await consentUrl(scene, tenant));
    const challenge = url.searchParams.get('code_challenge');
    await callback(scene, scene.google.oauth.consent(url.toString()));
    const form = new URLSearchParams(
      scene.google.requestsTo('POST', '/token').at(-1)!.rawBody.toString(),
    );
    const verifier = form.get('code_verifier')!;
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(challenge);
  });
});
