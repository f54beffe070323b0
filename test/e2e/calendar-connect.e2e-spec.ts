import {
  CalendarScene,
  FRONTEND,
  callback,
  consentUrl,
  startCalendarScene,
} from '@test/integration/calendar/calendar-harness';
import { createTenant } from '@test/support/test-app';

/**
 * The whole connect journey through HTTP, as the frontend and the user's browser make it:
 * consent URL → Google (the fake's consent) → our callback → the frontend page → calendars and
 * an appointment → disconnect. And the callback a forger sends, which ends on the error page.
 */
describe('Google Calendar connect end to end', () => {
  let scene: CalendarScene;

  beforeAll(async () => {
    scene = await startCalendarScene();
  });
  afterAll(() => scene.close());

  it('connects, lists the granted calendars, books, and disconnects', async () => {
    const tenant = await createTenant(scene.app);
    const get = (url: string) => scene.app.inject({ method: 'GET', url, headers: tenant.headers });

    const redirect = await callback(
      scene,
      scene.google.oauth.consent(await consentUrl(scene, tenant)),
    );
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers.location).toBe(`${FRONTEND}?calendar=connected`);

    const calendars = await get('/api/v2/calendar/calendars');
    expect(calendars.json().map((c: { calendarId: string }) => c.calendarId)).toEqual([
      'recepcao@clinica.example',
      'c_dra.ana@group.calendar.google.com',
    ]);
    const booked = await scene.app.inject({
      method: 'POST',
      url: '/api/v2/calendar/events',
      headers: tenant.headers,
      payload: { title: 'Consulta', start: '2026-03-10T09:00:00', end: '2026-03-10T09:30:00' },
    });
    expect(booked.statusCode).toBe(201);
    const events = await get(
      '/api/v2/calendar/events?from=2026-03-10T00:00:00Z&to=2026-03-11T00:00:00Z',
    );
    expect(events.json().items.map((e: { id: string }) => e.id)).toEqual([booked.json().id]);

    const disconnected = await scene.app.inject({
      method: 'DELETE',
      url: '/api/v2/calendar/connection',
      headers: tenant.headers,
    });
    expect(disconnected.statusCode).toBe(204);
    expect(
      (
        await get('/api/v2/calendar/events?from=2026-03-10T00:00:00Z&to=2026-03-11T00:00:00Z')
      ).json(),
    ).toMatchObject({
      status: 409,
      code: 'CALENDAR.NOT_CONNECTED',
    });
  });

  it("ends a forged callback on the frontend's error page without connecting anyone", async () => {
    const tenant = await createTenant(scene.app);
    const { code } = scene.google.oauth.consent(await consentUrl(scene, tenant));
    const forged = `v1.k1.${Buffer.from('tenant').toString('base64url')}.AAAA.BBBB`;

    const redirect = await callback(scene, { code, state: forged });

    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers.location).toBe(
      `${FRONTEND}?calendar=error&code=CALENDAR.STATE_INVALID`,
    );
    const connection = await scene.app.inject({
      method: 'GET',
      url: '/api/v2/calendar/connection',
      headers: tenant.headers,
    });
    expect(connection.json()).toMatchObject({ code: 'CALENDAR.NOT_CONNECTED' });
  });

  it('asks for no API key on the callback but for one everywhere else', async () => {
    const unauthenticated = await scene.app.inject({
      method: 'GET',
      url: '/api/v2/calendar/oauth/url',
    });
    expect(unauthenticated.statusCode).toBe(401);
  });
});
