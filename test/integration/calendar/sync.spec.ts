import { DataSource } from 'typeorm';
import { CalendarWatchTask } from '@app/calendar/sync/calendar-watch.task';
import { eventually } from '@test/support/eventually';
import type { TestTenant } from '@test/support/test-app';
import { CALENDARS, CalendarScene, connectedTenant, startCalendarScene } from './calendar-harness';
import { appointmentEvents, appointmentOf, channelOf, listsOf, push } from './sync-harness';

const FRONT_DESK = CALENDARS[0].id;
const DRA_ANA = CALENDARS[1].id;
const WEBHOOK = 'https://omnihub.example/webhooks/google-calendar';

describe('Calendar two-way sync (push channels against the fake)', () => {
  let scene: CalendarScene;
  let tenant: TestTenant;
  let db: DataSource;

  beforeAll(async () => {
    // Workers on: the inbox's jobs run the syncs, as in production.
    scene = await startCalendarScene({ CALENDAR_WEBHOOK_URL: WEBHOOK, APP_ROLE: 'all' });
    tenant = await connectedTenant(scene);
    db = scene.app.get(DataSource);
    await scene.app.get(CalendarWatchTask).run();
  });
  afterAll(() => scene.close());

  const book = async (title: string, start: string, end: string) => {
    const answer = await scene.app.inject({
      method: 'POST',
      url: '/api/v2/calendar/events',
      headers: tenant.headers,
      payload: { calendarId: DRA_ANA, title, start, end, timeZone: 'America/Sao_Paulo' },
    });
    expect(answer.statusCode).toBe(201);
    return answer.json<{ id: string }>().id;
  };
  const googleEvent = (id: string) => scene.google.store.eventsOf(DRA_ANA)!.get(id)!;
  const inboxRows = async (): Promise<number> =>
    Number(
      (
        await db.query(`SELECT count(*) AS n FROM inbound_events WHERE source = 'google-calendar'`)
      )[0].n,
    );

  it('watches every granted calendar with its own secret token at the configured address', () => {
    const channels = [...scene.google.store.channels.values()];
    expect(channels.map((c) => c.calendarId).sort()).toEqual([DRA_ANA, FRONT_DESK].sort());
    expect(channels.every((c) => c.address === WEBHOOK)).toBe(true);
    expect(channels[0].token).toMatch(/^[\w-]{43}$/);
    expect(channels[0].token).not.toBe(channels[1].token);
  });

  it('syncs incrementally after a push: a new and then a moved appointment, each announced', async () => {
    const eventId = await book('Consulta', '2026-03-10T09:00:00', '2026-03-10T09:30:00');
    expect((await push(scene, channelOf(scene, DRA_ANA))).statusCode).toBe(200);
    const created = await eventually(async () => {
      const row = await appointmentOf(scene, tenant.id, eventId);
      expect(row).toBeDefined();
      return row;
    });
    // Moved in Google's own UI: an hour later.
    const event = googleEvent(eventId);
    scene.google.store.save(DRA_ANA, {
      ...event,
      start: { dateTime: '2026-03-10T10:00:00-03:00', timeZone: 'America/Sao_Paulo' },
      end: { dateTime: '2026-03-10T10:30:00-03:00', timeZone: 'America/Sao_Paulo' },
    });
    await push(scene, channelOf(scene, DRA_ANA));

    await eventually(async () => {
      const row = await appointmentOf(scene, tenant.id, eventId);
      expect(row.startsAt.toISOString()).toBe('2026-03-10T13:00:00.000Z');
    });
    const changes = (await appointmentEvents(scene, tenant.id)).filter(
      (change) => change.appointmentId === created.id,
    );
    expect(changes.map((change) => change.status)).toEqual(['created', 'moved']);
    expect(listsOf(scene, DRA_ANA).at(-1)!.query).toHaveProperty('syncToken');
  });

  it('applies an appointment cancelled in Google as a cancellation', async () => {
    const eventId = await book('Retorno', '2026-03-11T09:00:00', '2026-03-11T09:30:00');
    await push(scene, channelOf(scene, DRA_ANA));
    await eventually(async () =>
      expect(await appointmentOf(scene, tenant.id, eventId)).toBeDefined(),
    );
    scene.google.store.save(DRA_ANA, { ...googleEvent(eventId), status: 'cancelled' });
    await push(scene, channelOf(scene, DRA_ANA));

    const row = await eventually(async () => {
      const found = await appointmentOf(scene, tenant.id, eventId);
      expect(found.status).toBe('cancelled');
      return found;
    });
    const changes = (await appointmentEvents(scene, tenant.id)).filter(
      (change) => change.appointmentId === row.id,
    );
    expect(changes.map((change) => change.status)).toEqual(['created', 'cancelled']);
  });

  it('forgets cached reads when a push brings a change made in Google', async () => {
    const eventId = await book('Avaliação', '2026-03-13T09:00:00', '2026-03-13T09:30:00');
    const read = () =>
      scene.app.inject({
        method: 'GET',
        url: `/api/v2/calendar/events/${eventId}?calendarId=${encodeURIComponent(DRA_ANA)}`,
        headers: tenant.headers,
      });
    expect((await read()).json()).toMatchObject({ title: 'Avaliação' });
    scene.google.store.save(DRA_ANA, { ...googleEvent(eventId), summary: 'Avaliação (sala 3)' });
    expect((await read()).json()).toMatchObject({ title: 'Avaliação' });

    await push(scene, channelOf(scene, DRA_ANA));
    await eventually(async () =>
      expect((await read()).json()).toMatchObject({ title: 'Avaliação (sala 3)' }),
    );
  });

  it('refuses a forged channel token (401) and an unknown channel (404), storing nothing', async () => {
    const before = await inboxRows();
    const channel = channelOf(scene, DRA_ANA);
    const forged = await push(scene, { ...channel, token: 'x'.repeat(43) });
    const unknown = await push(scene, { ...channel, id: '0190a5c4-0000-7000-8000-000000000000' });
    const garbage = await push(scene, { ...channel, id: 'not-a-channel' });

    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ code: 'WEBHOOK.INVALID_CHANNEL_TOKEN' });
    expect(unknown.statusCode).toBe(404);
    expect(garbage.statusCode).toBe(404);
    expect(await inboxRows()).toBe(before);
  });

  it('acknowledges the sync message of a new channel without storing or syncing', async () => {
    const before = await inboxRows();
    const answer = await push(scene, channelOf(scene, FRONT_DESK), {
      'x-goog-resource-state': 'sync',
      'x-goog-message-number': '1',
    });
    expect(answer.statusCode).toBe(200);
    expect(await inboxRows()).toBe(before);
  });

  it('syncs once for a notification Google delivers twice', async () => {
    const channel = channelOf(scene, FRONT_DESK);
    const lists = listsOf(scene, FRONT_DESK).length;
    const headers = { 'x-goog-message-number': '777' };
    const first = await push(scene, channel, headers);
    const again = await push(scene, channel, headers);
    expect([first.statusCode, again.statusCode]).toEqual([200, 200]);
    const stored = await db.query(
      `SELECT id FROM inbound_events WHERE source = 'google-calendar' AND external_id = $1`,
      [`${channel.id}:777`],
    );
    expect(stored).toHaveLength(1);
    // A later, different notification: once it is synced, the duplicate would have been too.
    await push(scene, channel);
    await eventually(() =>
      Promise.resolve(expect(listsOf(scene, FRONT_DESK)).toHaveLength(lists + 2)),
    );
  });

  it('resyncs in full when Google answers 410 to the sync token, cancelling what disappeared', async () => {
    const kept = await book('Avaliação', '2026-03-12T09:00:00', '2026-03-12T09:30:00');
    const gone = await book('Exame', '2026-03-12T10:00:00', '2026-03-12T10:30:00');
    await push(scene, channelOf(scene, DRA_ANA));
    await eventually(async () => expect(await appointmentOf(scene, tenant.id, gone)).toBeDefined());
    scene.google.store.expireSyncTokens();
    scene.google.store.save(DRA_ANA, {
      ...googleEvent(kept),
      start: { dateTime: '2026-03-12T11:00:00-03:00' },
      end: { dateTime: '2026-03-12T11:30:00-03:00' },
    });
    // Deleted long enough ago that Google no longer keeps its tombstone.
    scene.google.store.eventsOf(DRA_ANA)!.delete(gone);
    const lists = listsOf(scene, DRA_ANA).length;
    await push(scene, channelOf(scene, DRA_ANA));

    await eventually(async () =>
      expect((await appointmentOf(scene, tenant.id, gone)).status).toBe('cancelled'),
    );
    expect((await appointmentOf(scene, tenant.id, kept)).startsAt.toISOString()).toBe(
      '2026-03-12T14:00:00.000Z',
    );
    const [refused, full] = listsOf(scene, DRA_ANA).slice(lists);
    expect(refused.query).toHaveProperty('syncToken');
    expect(full.query).not.toHaveProperty('syncToken');
    // The next push continues incrementally from the token the full sync stored.
    await push(scene, channelOf(scene, DRA_ANA));
    await eventually(() =>
      Promise.resolve(expect(listsOf(scene, DRA_ANA)).toHaveLength(lists + 3)),
    );
    expect(listsOf(scene, DRA_ANA).at(-1)!.query).toHaveProperty('syncToken');
  });

  it('renews a channel before it expires and stops the old one', async () => {
    const old = channelOf(scene, DRA_ANA);
    const renewalDue = Number(old.expiration) - 3_600_000;
    const report = await scene.app.get(CalendarWatchTask).run(renewalDue);

    expect(report).toMatchObject({ opened: 2, stopped: 2, failed: 0 });
    const renewed = channelOf(scene, DRA_ANA);
    expect(renewed.id).not.toBe(old.id);
    expect(scene.google.store.channels.has(old.id)).toBe(false);
    expect((await push(scene, old)).statusCode).toBe(404);
    expect((await push(scene, renewed)).statusCode).toBe(200);
  });

  it('stops the channels when the tenant disconnects', async () => {
    const other = await connectedTenant(scene);
    await scene.app.get(CalendarWatchTask).run();
    const channels = scene.google.store.channels.size;
    const answer = await scene.app.inject({
      method: 'DELETE',
      url: '/api/v2/calendar/connection',
      headers: other.headers,
    });
    expect(answer.statusCode).toBe(204);
    expect(scene.google.store.channels.size).toBe(channels - 2);
  });
});
