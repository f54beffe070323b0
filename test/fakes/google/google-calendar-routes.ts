import type { FakeHttpServer, FakeResponse, RecordedRequest } from '@test/fakes/fake-http-server';
import { CALENDAR_ERRORS, calendarError } from './google-errors';
import {
  FakeEvent,
  GoogleCalendarStore,
  expandRecurrence,
  instantOf,
} from './google-calendar-store';

const V3 = '/calendar/v3';
const EVENTS = `${V3}/calendars/:calendarId/events`;

type Handler = (request: RecordedRequest) => FakeResponse;

/** Calendar v3 as Omnihub uses it (CONTRACT.md), on `server`, answered from `store`. */
export function registerCalendarRoutes(
  server: FakeHttpServer,
  store: GoogleCalendarStore,
  guard: (handler: Handler) => Handler,
): void {
  server.reply(
    'GET',
    `${V3}/users/me/calendarList`,
    guard(() => calendarList(store)),
  );
  server.reply(
    'GET',
    EVENTS,
    guard((r) => listEvents(store, r)),
  );
  server.reply(
    'POST',
    EVENTS,
    guard((r) => insertEvent(store, r)),
  );
  server.reply(
    'GET',
    `${EVENTS}/:eventId`,
    guard((r) => withEvent(store, r, (e) => ok(e))),
  );
  server.reply(
    'PATCH',
    `${EVENTS}/:eventId`,
    guard((r) => patchEvent(store, r)),
  );
  server.reply(
    'DELETE',
    `${EVENTS}/:eventId`,
    guard((r) => deleteEvent(store, r)),
  );
  server.reply(
    'POST',
    `${EVENTS}/watch`,
    guard((r) => watchEvents(store, r)),
  );
  server.reply(
    'POST',
    `${V3}/channels/stop`,
    guard((r) => stopChannel(store, r)),
  );
  server.reply(
    'POST',
    `${V3}/freeBusy`,
    guard((r) => freeBusy(store, r)),
  );
}

function ok(event: FakeEvent): FakeResponse {
  const { changedAt: _changedAt, ...visible } = event;
  return { headers: { etag: event.etag }, body: visible };
}

function calendarList(store: GoogleCalendarStore): FakeResponse {
  return {
    body: {
      kind: 'calendar#calendarList',
      items: store.calendars.map((c) => ({
        kind: 'calendar#calendarListEntry',
        id: c.id,
        summary: c.summary,
        timeZone: c.timeZone,
        accessRole: c.accessRole ?? 'owner',
        ...(c.primary ? { primary: true } : {}),
      })),
    },
  };
}

function listEvents(store: GoogleCalendarStore, request: RecordedRequest): FakeResponse {
  const events = store.eventsOf(request.params.calendarId);
  if (!events) return CALENDAR_ERRORS.notFound();
  const q = request.query as Record<string, string | undefined>;
  const single = q.singleEvents === 'true';
  const timeMin = q.timeMin ? new Date(q.timeMin) : undefined;
  const timeMax = q.timeMax ? new Date(q.timeMax) : undefined;
  if (timeMin && timeMax && timeMax <= timeMin) return CALENDAR_ERRORS.timeRangeEmpty();
  if (q.orderBy === 'startTime' && !single) {
    return calendarError(
      400,
      'invalid',
      'The requested ordering is not available for the particular query.',
      {
        locationType: 'parameter',
        location: 'orderBy',
      },
    );
  }
  let since: number | undefined;
  if (q.syncToken) {
    since = store.readSyncToken(q.syncToken);
    if (since === undefined) return calendarError(400, 'invalid', 'Invalid sync token value.');
    if (since < store.oldestValidSync) return CALENDAR_ERRORS.fullSyncRequired();
  }
  const wanted = q.privateExtendedProperty?.split('=') as [string, string] | undefined;
  let items = [...events.values()]
    .filter((e) =>
      since === undefined
        ? e.status !== 'cancelled' || q.showDeleted === 'true'
        : e.changedAt > since,
    )
    .filter((e) => !wanted || e.extendedProperties?.private?.[wanted[0]] === wanted[1])
    .flatMap((e) => (single && since === undefined ? expandRecurrence(e, timeMin, timeMax) : [e]))
    .filter((e) => since !== undefined || overlaps(e, timeMin, timeMax));
  if (q.orderBy === 'startTime') items = items.sort((a, b) => startOf(a) - startOf(b));
  const pageSize = Math.min(Number(q.maxResults ?? 250), 2500);
  const offset = q.pageToken ? Number(Buffer.from(q.pageToken, 'base64url').toString()) : 0;
  const page = items.slice(offset, offset + pageSize);
  const more = offset + pageSize < items.length;
  return {
    body: {
      kind: 'calendar#events',
      summary: store.calendar(request.params.calendarId)!.summary,
      timeZone: store.calendar(request.params.calendarId)!.timeZone,
      items: page.map((e) => ok(e).body),
      ...(more
        ? { nextPageToken: Buffer.from(String(offset + pageSize)).toString('base64url') }
        : { nextSyncToken: store.syncToken() }),
    },
  };
}

function startOf(event: FakeEvent): number {
  return instantOf(event.start);
}

function endOf(event: FakeEvent): number {
  return instantOf(event.end);
}

function overlaps(event: FakeEvent, from?: Date, to?: Date): boolean {
  const start = startOf(event);
  const end = endOf(event);
  return (!from || end > from.getTime()) && (!to || start < to.getTime());
}

/** Google's checks on an event's times (guides/errors: timeRangeEmpty, missing time zone). */
function timesProblem(event: Partial<FakeEvent>): FakeResponse | undefined {
  for (const side of ['start', 'end'] as const) {
    const time = event[side];
    if (!time || (!time.dateTime && !time.date)) {
      return calendarError(400, 'required', `Missing ${side} time.`);
    }
    if (time.dateTime && !/(Z|[+-]\d{2}:\d{2})$/.test(time.dateTime) && !time.timeZone) {
      return calendarError(400, 'timeRangeEmpty', `Missing time zone definition for ${side} time.`);
    }
    if (time.timeZone && !isZone(time.timeZone)) {
      return calendarError(400, 'invalid', `Invalid time zone definition for ${side} time.`);
    }
  }
  if (startOf(event as FakeEvent) >= endOf(event as FakeEvent)) {
    return calendarError(400, 'timeRangeEmpty', 'The specified time range is empty.', {
      domain: 'calendar',
    });
  }
  return undefined;
}

function isZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function insertEvent(store: GoogleCalendarStore, request: RecordedRequest): FakeResponse {
  const events = store.eventsOf(request.params.calendarId);
  if (!events) return CALENDAR_ERRORS.notFound();
  const body = (request.json ?? {}) as Partial<FakeEvent>;
  const id = body.id ?? GoogleCalendarStore.newEventId();
  if (!/^[a-v0-9]{5,1024}$/.test(id))
    return calendarError(400, 'invalid', 'Invalid resource id value.');
  if (events.has(id))
    return calendarError(409, 'duplicate', 'The requested identifier already exists.');
  const problem = timesProblem(body);
  if (problem) return problem;
  const now = new Date().toISOString();
  return ok(
    store.save(request.params.calendarId, {
      ...body,
      id,
      status: body.status ?? 'confirmed',
      start: body.start!,
      end: body.end!,
      created: now,
    }),
  );
}

function withEvent(
  store: GoogleCalendarStore,
  request: RecordedRequest,
  then: (event: FakeEvent) => FakeResponse,
): FakeResponse {
  const event = store.eventsOf(request.params.calendarId)?.get(request.params.eventId);
  if (!event) return CALENDAR_ERRORS.notFound();
  const ifMatch = request.headers['if-match'];
  if (ifMatch && ifMatch !== '*' && ifMatch !== event.etag)
    return CALENDAR_ERRORS.conditionNotMet();
  return then(event);
}

function patchEvent(store: GoogleCalendarStore, request: RecordedRequest): FakeResponse {
  return withEvent(store, request, (event) => {
    if (event.status === 'cancelled')
      return calendarError(410, 'deleted', 'Resource has been deleted');
    const patch = (request.json ?? {}) as Partial<FakeEvent>;
    const merged = {
      ...event,
      ...patch,
      extendedProperties: {
        private: { ...event.extendedProperties?.private, ...patch.extendedProperties?.private },
        shared: { ...event.extendedProperties?.shared, ...patch.extendedProperties?.shared },
      },
    };
    const problem = timesProblem(merged);
    if (problem) return problem;
    return ok(store.save(request.params.calendarId, { ...merged, id: event.id }));
  });
}

function deleteEvent(store: GoogleCalendarStore, request: RecordedRequest): FakeResponse {
  return withEvent(store, request, (event) => {
    if (event.status === 'cancelled')
      return calendarError(410, 'deleted', 'Resource has been deleted');
    // Deleted events stay as cancelled tombstones, which incremental sync reports.
    store.save(request.params.calendarId, { ...event, status: 'cancelled' });
    return { status: 204 };
  });
}

function freeBusy(store: GoogleCalendarStore, request: RecordedRequest): FakeResponse {
  const body = (request.json ?? {}) as {
    timeMin?: string;
    timeMax?: string;
    items?: { id: string }[];
  };
  if (!body.timeMin || !body.timeMax)
    return calendarError(400, 'required', 'Missing timeMin or timeMax.');
  const from = new Date(body.timeMin);
  const to = new Date(body.timeMax);
  if (to <= from) return CALENDAR_ERRORS.timeRangeEmpty();
  const calendars: Record<string, unknown> = {};
  for (const { id } of body.items ?? []) {
    const events = store.eventsOf(id);
    if (!events) {
      calendars[id] = { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
      continue;
    }
    const busy = [...events.values()]
      .filter((e) => e.status !== 'cancelled' && e.transparency !== 'transparent')
      .flatMap((e) => expandRecurrence(e, from, to))
      .filter((e) => overlaps(e, from, to))
      .map((e) => ({
        start: new Date(Math.max(startOf(e), from.getTime())).toISOString(),
        end: new Date(Math.min(endOf(e), to.getTime())).toISOString(),
      }))
      .sort((a, b) => a.start.localeCompare(b.start));
    calendars[id] = { busy };
  }
  return {
    body: {
      kind: 'calendar#freeBusy',
      timeMin: from.toISOString(),
      timeMax: to.toISOString(),
      calendars,
    },
  };
}

/** Push guide: a channel per watch; expiration defaults to (and is capped at) 7 days. */
function watchEvents(store: GoogleCalendarStore, request: RecordedRequest): FakeResponse {
  const calendar = store.calendar(request.params.calendarId);
  if (!calendar) return CALENDAR_ERRORS.notFound();
  const body = (request.json ?? {}) as {
    id?: string;
    type?: string;
    address?: string;
    token?: string;
    params?: { ttl?: string };
  };
  if (!body.id || !body.address || (body.type !== 'web_hook' && body.type !== 'webhook')) {
    return calendarError(400, 'required', 'Required parameter: id, type or address.');
  }
  if ([...store.channels.keys()].includes(body.id)) {
    return calendarError(400, 'channelIdNotUnique', 'Channel id not unique.');
  }
  const week = 7 * 86_400_000;
  const ttl = Math.min(Number(body.params?.ttl ?? 604_800) * 1000, week);
  const expiration = String(Date.now() + ttl);
  const resourceId = GoogleCalendarStore.newEventId();
  store.channels.set(body.id, {
    calendarId: calendar.id,
    resourceId,
    address: body.address,
    token: body.token,
    expiration,
  });
  return {
    body: {
      kind: 'api#channel',
      id: body.id,
      resourceId,
      resourceUri: `https://www.googleapis.com/calendar/v3/calendars/${calendar.id}/events?alt=json`,
      ...(body.token ? { token: body.token } : {}),
      expiration,
    },
  };
}

function stopChannel(store: GoogleCalendarStore, request: RecordedRequest): FakeResponse {
  const body = (request.json ?? {}) as { id?: string; resourceId?: string };
  const channel = body.id ? store.channels.get(body.id) : undefined;
  if (!channel || channel.resourceId !== body.resourceId) {
    return calendarError(404, 'notFound', `Channel '${body.id}' not found for project '0'`);
  }
  store.channels.delete(body.id!);
  return { status: 204 };
}
