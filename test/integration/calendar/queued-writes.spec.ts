import { CalendarWrites } from '@app/calendar/operations/calendar-writes';
import { eventually } from '@test/support/eventually';
import type { TestTenant } from '@test/support/test-app';
import { CALENDARS, CalendarScene, connectedTenant, startCalendarScene } from './calendar-harness';

const DRA_ANA = CALENDARS[1].id;

interface Operation {
  id: string;
  kind: string;
  status: string;
  eventId: string;
  etag: string | null;
  error: { code: string; message: string } | null;
}

describe('Calendar writes while Google is failing (queued, applied later)', () => {
  let scene: CalendarScene;
  let tenant: TestTenant;

  beforeAll(async () => {
    // Workers on (the calendar queue applies what was queued); a short open circuit.
    scene = await startCalendarScene({
      APP_ROLE: 'all',
      CIRCUIT_CALENDAR_HALF_OPEN_AFTER_MS: '1000',
    });
    tenant = await connectedTenant(scene);
  });
  afterEach(() => scene.google.recover());
  afterAll(() => scene.close());

  const call = (
    method: 'POST' | 'PATCH' | 'DELETE' | 'GET',
    url: string,
    payload?: object,
    headers = {},
  ) => scene.app.inject({ method, url, payload, headers: { ...tenant.headers, ...headers } });
  const booking = (title: string, day: string) => ({
    calendarId: DRA_ANA,
    title,
    start: `2026-04-${day}T09:00:00`,
    end: `2026-04-${day}T09:30:00`,
    timeZone: 'America/Sao_Paulo',
  });
  const operation = async (id: string) =>
    (await call('GET', `/api/v2/calendar/operations/${id}`)).json<Operation>();
  const settled = (id: string) =>
    eventually(async () => {
      const found = await operation(id);
      expect(found.status).not.toBe('pending');
      return found;
    });
  const atGoogle = (eventId: string) => scene.google.store.eventsOf(DRA_ANA)!.get(eventId);
  const eventsQuery = `calendarId=${encodeURIComponent(DRA_ANA)}`;

  it('answers 202 with a pending operation while Google answers 503, and books once it recovers', async () => {
    scene.google.failAll('unavailable');
    const answer = await call('POST', '/api/v2/calendar/events', booking('Consulta', '06'));

    expect(answer.statusCode).toBe(202);
    const pending = answer.json<Operation>();
    expect(answer.headers.location).toBe(`/api/v2/calendar/operations/${pending.id}`);
    expect(pending).toMatchObject({ kind: 'create', status: 'pending', error: null });
    expect(await operation(pending.id)).toMatchObject({ status: 'pending' });
    expect(atGoogle(pending.eventId)).toBeUndefined();

    scene.google.recover();
    const applied = await settled(pending.id);
    expect(applied.status).toBe('applied');
    expect(atGoogle(pending.eventId)).toMatchObject({ summary: 'Consulta' });
    expect(applied.etag).toBe(atGoogle(pending.eventId)!.etag);
  });

  it('applies a queued create whose first insert reached Google once, not twice', async () => {
    scene.google.failAll('unavailable');
    const pending = (
      await call('POST', '/api/v2/calendar/events', booking('Retorno', '07'))
    ).json<Operation>();
    // The insert landed at Google but its answer was lost: the event exists under our id.
    scene.google.store.save(DRA_ANA, {
      id: pending.eventId,
      status: 'confirmed',
      summary: 'Retorno',
      start: { dateTime: '2026-04-07T09:00:00-03:00' },
      end: { dateTime: '2026-04-07T09:30:00-03:00' },
      created: new Date().toISOString(),
    });
    const inserts = scene.google.requestsTo(
      'POST',
      '/calendar/v3/calendars/:calendarId/events',
    ).length;
    scene.google.recover();

    expect(await settled(pending.id)).toMatchObject({ status: 'applied' });
    const retried = scene.google.requestsTo(
      'POST',
      '/calendar/v3/calendars/:calendarId/events',
    ).length;
    expect(retried - inserts).toBeLessThanOrEqual(1);
    const titled = [...scene.google.store.eventsOf(DRA_ANA)!.values()].filter(
      (e) => e.summary === 'Retorno',
    );
    expect(titled).toHaveLength(1);
    // Applying it again changes nothing: it is no longer pending.
    expect(await scene.app.get(CalendarWrites).apply(pending.id)).toEqual({ kind: 'done' });
  });

  it('queues a change and a cancellation and applies both after the outage', async () => {
    const booked = (
      await call('POST', '/api/v2/calendar/events', booking('Avaliação', '08'))
    ).json<{ id: string }>();
    scene.google.failAll('unavailable');
    const change = await call('PATCH', `/api/v2/calendar/events/${booked.id}?${eventsQuery}`, {
      title: 'Avaliação (sala 2)',
    });
    expect(change.statusCode).toBe(202);
    scene.google.recover();
    expect(await settled(change.json<Operation>().id)).toMatchObject({ status: 'applied' });
    expect(atGoogle(booked.id)).toMatchObject({ summary: 'Avaliação (sala 2)' });

    scene.google.failAll('unavailable');
    const cancel = await call('DELETE', `/api/v2/calendar/events/${booked.id}?${eventsQuery}`);
    expect(cancel.statusCode).toBe(202);
    scene.google.recover();
    expect(await settled(cancel.json<Operation>().id)).toMatchObject({
      status: 'applied',
      kind: 'delete',
    });
    expect(atGoogle(booked.id)).toMatchObject({ status: 'cancelled' });
  });

  it('fails a queued change that Google refuses once it answers, saying why', async () => {
    const booked = (await call('POST', '/api/v2/calendar/events', booking('Exame', '09'))).json<{
      id: string;
      etag: string;
    }>();
    await call('PATCH', `/api/v2/calendar/events/${booked.id}?${eventsQuery}`, {
      title: 'Exame (jejum)',
    });
    scene.google.failAll('unavailable');
    const stale = await call(
      'PATCH',
      `/api/v2/calendar/events/${booked.id}?${eventsQuery}`,
      { title: 'Exame' },
      { 'if-match': booked.etag },
    );
    expect(stale.statusCode).toBe(202);
    scene.google.recover();

    expect(await settled(stale.json<Operation>().id)).toMatchObject({
      status: 'failed',
      error: { code: 'CALENDAR.EVENT_CHANGED' },
    });
    expect(atGoogle(booked.id)).toMatchObject({ summary: 'Exame (jejum)' });
  });

  it('answers 404 for an operation of another tenant', async () => {
    scene.google.failAll('unavailable');
    const pending = (
      await call('POST', '/api/v2/calendar/events', booking('Outro', '10'))
    ).json<Operation>();
    scene.google.recover();
    await settled(pending.id);
    const other = await connectedTenant(scene);
    const answer = await scene.app.inject({
      method: 'GET',
      url: `/api/v2/calendar/operations/${pending.id}`,
      headers: other.headers,
    });
    expect(answer.statusCode).toBe(404);
  });
});
