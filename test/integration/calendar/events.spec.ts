import { CalendarDataContributor } from '@app/calendar/privacy/calendar-data.contributor';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import type { TestTenant } from '@test/support/test-app';
import { CALENDARS, CalendarScene, connectedTenant, startCalendarScene } from './calendar-harness';

const DRA_ANA = CALENDARS[1].id;

describe('Calendar events CRUD (against the fake)', () => {
  let scene: CalendarScene;
  let tenant: TestTenant;

  beforeAll(async () => {
    scene = await startCalendarScene();
    tenant = await connectedTenant(scene);
  });
  afterAll(() => scene.close());

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    headers = {},
  ) => scene.app.inject({ method, url, payload, headers: { ...tenant.headers, ...headers } });

  it('books an appointment in the tenant time zone with our ids, the contact and attendees', async () => {
    const contactId = await scene.app
      .get(ContactsService)
      .resolve(tenant.id, [{ type: 'phone', value: '+5511987650001' }], { name: 'Ana Souza' });

    const answer = await call('POST', '/api/v2/calendar/events', {
      calendarId: DRA_ANA,
      title: 'Consulta — Ana Souza',
      description: 'Retorno',
      location: 'Sala 2',
      start: '2026-03-10T09:00:00',
      end: '2026-03-10T09:30:00',
      timeZone: 'America/Sao_Paulo',
      attendees: [{ email: 'ana.souza@example.com', name: 'Ana Souza' }],
      contactId,
      sendUpdates: 'all',
    });

    expect(answer.statusCode).toBe(201);
    const event = answer.json();
    expect(answer.headers.etag).toBe(event.etag);
    expect(event).toMatchObject({
      calendarId: DRA_ANA,
      title: 'Consulta — Ana Souza',
      contactId,
      createdByOmnihub: true,
      attendees: [{ email: 'ana.souza@example.com', name: 'Ana Souza' }],
    });
    const insert = scene.google
      .requestsTo('POST', '/calendar/v3/calendars/:calendarId/events')
      .at(-1)!;
    expect(insert.path).toBe(`/calendar/v3/calendars/${encodeURIComponent(DRA_ANA)}/events`);
    expect(insert.query.sendUpdates).toBe('all');
    expect(insert.json).toMatchObject({
      id: event.id,
      start: { dateTime: '2026-03-10T09:00:00', timeZone: 'America/Sao_Paulo' },
      extendedProperties: {
        private: { omnihubId: event.id, omnihubTenantId: tenant.id, omnihubContactId: contactId },
      },
    });
  });

  it('refuses a contact of no one (or of another tenant) without calling Google', async () => {
    const before = scene.google.requests.length;
    const answer = await call('POST', '/api/v2/calendar/events', {
      title: 'x',
      start: '2026-03-11T09:00:00',
      end: '2026-03-11T09:30:00',
      contactId: '0190a8e0-0000-7000-8000-000000000000',
    });
    expect(answer.statusCode).toBe(404);
    expect(answer.json()).toMatchObject({ code: 'CONTACT.NOT_FOUND' });
    expect(scene.google.requests.length).toBe(before);
  });

  it('refuses an overlapping booking unless allowOverlap is set', async () => {
    const slot = {
      calendarId: DRA_ANA,
      start: '2026-03-12T14:00:00-03:00',
      end: '2026-03-12T15:00:00-03:00',
    };
    expect(
      (await call('POST', '/api/v2/calendar/events', { ...slot, title: 'A' })).statusCode,
    ).toBe(201);

    const clash = await call('POST', '/api/v2/calendar/events', {
      ...slot,
      title: 'B',
      start: '2026-03-12T14:30:00-03:00',
    });
    const forced = await call('POST', '/api/v2/calendar/events', {
      ...slot,
      title: 'C',
      allowOverlap: true,
    });

    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ code: 'CALENDAR.SLOT_TAKEN' });
    expect(forced.statusCode).toBe(201);
  });

  it('books only one of two concurrent requests for the same free slot', async () => {
    const slot = {
      calendarId: DRA_ANA,
      start: '2026-03-13T10:00:00Z',
      end: '2026-03-13T10:30:00Z',
    };
    const answers = await Promise.all(
      ['X', 'Y', 'Z'].map((title) => call('POST', '/api/v2/calendar/events', { ...slot, title })),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409]);
  });

  it('changes an event with its ETag, and refuses a change based on an older version with 412', async () => {
    const created = (
      await call('POST', '/api/v2/calendar/events', {
        title: 'Avaliação',
        start: '2026-03-16T09:00:00',
        end: '2026-03-16T10:00:00',
      })
    ).json();
    const path = `/api/v2/calendar/events/${created.id}`;

    const moved = await call(
      'PATCH',
      path,
      { start: '2026-03-16T11:00:00', end: '2026-03-16T12:00:00' },
      {
        'if-match': created.etag,
      },
    );
    const stale = await call('PATCH', path, { title: 'Lost update' }, { 'if-match': created.etag });

    expect(moved.statusCode).toBe(200);
    expect(moved.json().etag).not.toBe(created.etag);
    expect(scene.google.requests.at(-1)!.headers['if-match']).toBe(created.etag);
    expect(stale.statusCode).toBe(412);
    expect(stale.json()).toMatchObject({ code: 'CALENDAR.EVENT_CHANGED' });
    const read = await call('GET', path);
    expect(read.json()).toMatchObject({
      title: 'Avaliação',
      start: { dateTime: '2026-03-16T11:00:00' },
    });
  });

  it('deletes with If-Match, and then the event is gone', async () => {
    const created = (
      await call('POST', '/api/v2/calendar/events', {
        title: 'Limpeza',
        start: '2026-03-17T09:00:00',
        end: '2026-03-17T09:30:00',
      })
    ).json();
    const path = `/api/v2/calendar/events/${created.id}`;

    const stale = await call('DELETE', path, undefined, { 'if-match': '"1"' });
    const deleted = await call('DELETE', path, undefined, { 'if-match': created.etag });
    const read = await call('GET', path);

    expect(stale.statusCode).toBe(412);
    expect(deleted.statusCode).toBe(204);
    expect(read.statusCode).toBe(404);
  });

  it("lists a range page by page with Google's paging, recurring events as their instances", async () => {
    const other = await connectedTenant(scene);
    await scene.app.inject({
      method: 'POST',
      url: '/api/v2/calendar/events',
      headers: other.headers,
      payload: { title: 'Single', start: '2026-04-01T08:00:00Z', end: '2026-04-01T08:30:00Z' },
    });
    scene.google.store.save(CALENDARS[0].id, {
      id: 'dailystandup01',
      status: 'confirmed',
      summary: 'Daily',
      start: { dateTime: '2026-04-01T12:00:00Z' },
      end: { dateTime: '2026-04-01T12:15:00Z' },
      recurrence: ['RRULE:FREQ=DAILY;COUNT=5'],
      created: new Date().toISOString(),
    });
    const titles: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const answer = await scene.app.inject({
        method: 'GET',
        url: `/api/v2/calendar/events?from=2026-04-01T00:00:00Z&to=2026-04-08T00:00:00Z&limit=2${
          pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''
        }`,
        headers: other.headers,
      });
      expect(answer.statusCode).toBe(200);
      const page = answer.json<{ items: Array<{ title: string }>; nextPageToken?: string }>();
      titles.push(...page.items.map((item) => item.title));
      pageToken = page.nextPageToken;
      pages += 1;
    } while (pageToken);

    expect(titles).toEqual(['Single', 'Daily', 'Daily', 'Daily', 'Daily', 'Daily']);
    expect(pages).toBe(3);
    const list = scene.google
      .requestsTo('GET', '/calendar/v3/calendars/:calendarId/events')
      .at(-1)!;
    expect(list.query).toMatchObject({
      singleEvents: 'true',
      orderBy: 'startTime',
      maxResults: '2',
    });
  });

  it("passes Google's message on a permanent refusal and does not retry it", async () => {
    scene.google.failNext(1, {
      status: 400,
      body: {
        error: {
          errors: [
            { domain: 'calendar', reason: 'invalidAttendee', message: 'Invalid attendee email.' },
          ],
          code: 400,
          message: 'Invalid attendee email.',
        },
      },
    });
    const before = scene.google.requests.length;
    const answer = await call(
      'GET',
      '/api/v2/calendar/events?from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z',
    );
    expect(answer.statusCode).toBe(422);
    expect(answer.json().detail).toContain('Invalid attendee email.');
    expect(scene.google.requests.length - before).toBe(1);
  });

  it('retries a rate limit (403 userRateLimitExceeded) and a 5xx with backoff, then answers', async () => {
    scene.google.failNext(1, 'userRateLimitExceeded');
    scene.google.failNext(1, 'backendError');
    const before = scene.google.requests.length;
    const answer = await call(
      'GET',
      '/api/v2/calendar/events?from=2026-06-01T00:00:00Z&to=2026-06-02T00:00:00Z',
    );
    expect(answer.statusCode).toBe(200);
    expect(scene.google.requests.length - before).toBe(3);
  });

  it("exports the contact's appointments from every calendar and keeps them at Google on erasure", async () => {
    const contacts = scene.app.get(ContactsService);
    const bia = await contacts.resolve(tenant.id, [{ type: 'phone', value: '+5511987650077' }]);
    const other = await contacts.resolve(tenant.id, [{ type: 'phone', value: '+5511987650078' }]);
    const book = (contactId: string, calendarId: string, start: string, end: string) =>
      call('POST', '/api/v2/calendar/events', {
        calendarId,
        title: 'Consulta',
        start,
        end,
        timeZone: 'America/Sao_Paulo',
        contactId,
        allowOverlap: true,
      });
    const first = await book(bia, DRA_ANA, '2026-04-01T09:00:00', '2026-04-01T09:30:00');
    const second = await book(bia, CALENDARS[0].id, '2026-04-02T09:00:00', '2026-04-02T09:30:00');
    await book(other, DRA_ANA, '2026-04-01T10:00:00', '2026-04-01T10:30:00');
    const contributor = scene.app.get(CalendarDataContributor);

    const section = (await contributor.export(tenant.id, bia)) as {
      appointments: { id: string; contactId: string }[];
    };

    expect(section.appointments.map((a) => a.id).sort()).toEqual(
      [first.json().id, second.json().id].sort(),
    );
    expect(section.appointments.every((a) => a.contactId === bia)).toBe(true);
    const receipt = await contributor.erase(tenant.id);
    expect(receipt).toEqual({
      deleted: {},
      kept: [expect.objectContaining({ what: expect.stringContaining('Google Calendar') })],
    });
    expect((await call('GET', `/api/v2/calendar/events/${second.json().id}`)).statusCode).toBe(200);
  });
});
