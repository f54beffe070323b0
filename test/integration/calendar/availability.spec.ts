import type { TestTenant } from '@test/support/test-app';
import { CALENDARS, CalendarScene, connectedTenant, startCalendarScene } from './calendar-harness';

const [RECEPCAO, DRA_ANA] = CALENDARS.map((calendar) => calendar.id);
// Friday 6 to Monday 9 March 2026: New York moves to summer time on Sunday 8; São Paulo has none.
const RANGE = 'from=2026-03-06T00:00:00Z&to=2026-03-10T00:00:00Z&duration=60';

describe('Calendar availability (freeBusy + working hours, two calendars, a DST week)', () => {
  let scene: CalendarScene;
  let tenant: TestTenant;

  beforeAll(async () => {
    scene = await startCalendarScene();
    tenant = await connectedTenant(scene);
    const settings = await scene.app.inject({
      method: 'PUT',
      url: '/api/v2/calendar/settings',
      headers: tenant.headers,
      payload: {
        timeZone: 'America/Sao_Paulo',
        workingHours: {
          default: Object.fromEntries(
            ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [
              day,
              [{ start: '09:00', end: '11:00' }],
            ]),
          ),
        },
      },
    });
    expect(settings.statusCode).toBe(200);
    // Booked in Google directly: Monday 09:00 in São Paulo, Monday 10:00 in New York.
    const busy = (calendarId: string, id: string, start: string, end: string) =>
      scene.google.store.save(calendarId, {
        id,
        status: 'confirmed',
        summary: 'Ocupado',
        start: { dateTime: start },
        end: { dateTime: end },
        created: new Date().toISOString(),
      });
    busy(RECEPCAO, 'busyrecepcao1', '2026-03-09T09:00:00-03:00', '2026-03-09T10:00:00-03:00');
    busy(DRA_ANA, 'busydraana001', '2026-03-09T10:00:00-04:00', '2026-03-09T11:00:00-04:00');
  });
  afterAll(() => scene.close());

  const availability = async (query = RANGE) => {
    const answer = await scene.app.inject({
      method: 'GET',
      url: `/api/v2/calendar/availability?${query}`,
      headers: tenant.headers,
    });
    expect(answer.statusCode).toBe(200);
    const body = answer.json<{
      calendars: Array<{ calendarId: string; slots: Array<{ start: string }> }>;
    }>();
    return Object.fromEntries(
      body.calendars.map((c) => [c.calendarId, c.slots.map((s) => s.start)]),
    );
  };
  const freeBusyCalls = () => scene.google.requestsTo('POST', '/calendar/v3/freeBusy').length;

  it("computes each calendar's slots in its own zone, across the DST change, minus busy blocks", async () => {
    const slots = await availability();

    expect(slots[RECEPCAO]).toEqual([
      '2026-03-06T12:00:00.000Z',
      '2026-03-06T13:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
    ]);
    expect(slots[DRA_ANA]).toEqual([
      '2026-03-06T14:00:00.000Z', // 09:00 EST
      '2026-03-06T15:00:00.000Z',
      '2026-03-09T13:00:00.000Z', // 09:00 EDT; 10:00 is busy
    ]);
    const query = scene.google.requestsTo('POST', '/calendar/v3/freeBusy').at(-1)!;
    expect(query.json).toMatchObject({
      timeMin: '2026-03-06T00:00:00.000Z',
      timeMax: '2026-03-10T00:00:00.000Z',
      items: [{ id: RECEPCAO }, { id: DRA_ANA }],
    });
  });

  it('serves a repeated query from the cache, and a booking through Omnihub invalidates it', async () => {
    const query = `${RANGE}&calendarIds=${encodeURIComponent(DRA_ANA)}`;
    await availability(query);
    const before = freeBusyCalls();

    const cached = await availability(query);
    expect(freeBusyCalls()).toBe(before);

    const booked = await scene.app.inject({
      method: 'POST',
      url: '/api/v2/calendar/events',
      headers: tenant.headers,
      payload: {
        calendarId: DRA_ANA,
        title: 'Consulta',
        start: '2026-03-06T09:00:00',
        end: '2026-03-06T10:00:00',
        timeZone: 'America/New_York',
      },
    });
    expect(booked.statusCode).toBe(201);
    const fresh = await availability(query);

    expect(freeBusyCalls()).toBe(before + 1);
    expect(cached[DRA_ANA]).toContain('2026-03-06T14:00:00.000Z');
    expect(fresh[DRA_ANA]).not.toContain('2026-03-06T14:00:00.000Z');
  });

  it('uses per-calendar working hours over the default', async () => {
    await scene.app.inject({
      method: 'PUT',
      url: '/api/v2/calendar/settings',
      headers: tenant.headers,
      payload: {
        workingHours: {
          default: { fri: [{ start: '09:00', end: '10:00' }] },
          calendars: { [RECEPCAO]: { mon: [{ start: '14:00', end: '15:00' }] } },
        },
      },
    });

    const slots = await availability();

    expect(slots[RECEPCAO]).toEqual(['2026-03-09T17:00:00.000Z']);
    expect(slots[DRA_ANA]).toEqual([]); // Friday 09:00 EST is booked (previous test)
  });

  it('refuses invalid working hours naming the field', async () => {
    const answer = await scene.app.inject({
      method: 'PUT',
      url: '/api/v2/calendar/settings',
      headers: tenant.headers,
      payload: { workingHours: { default: { mon: [{ start: '18:00', end: '09:00' }] } } },
    });
    expect(answer.statusCode).toBe(400);
    expect(answer.json().errors).toEqual([
      { field: 'workingHours.default.mon[0]', message: 'end must be after start' },
    ]);
  });

  it('refuses a calendar the account did not grant', async () => {
    const answer = await scene.app.inject({
      method: 'GET',
      url: `/api/v2/calendar/availability?${RANGE}&calendarIds=someone.else%40example.com`,
      headers: tenant.headers,
    });
    expect(answer.statusCode).toBe(404);
    expect(answer.json()).toMatchObject({ code: 'CALENDAR.CALENDAR_NOT_FOUND' });
  });
});
