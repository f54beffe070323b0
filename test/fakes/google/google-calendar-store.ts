import { randomBytes } from 'node:crypto';

/** An event as Calendar v3 stores it (the fields this fake keeps; the rest are echoed). */
export interface FakeEvent {
  kind: 'calendar#event';
  id: string;
  etag: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  summary?: string;
  description?: string;
  location?: string;
  start: { dateTime?: string; date?: string; timeZone?: string };
  end: { dateTime?: string; date?: string; timeZone?: string };
  attendees?: Array<{ email: string; displayName?: string; responseStatus?: string }>;
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
  recurrence?: string[];
  recurringEventId?: string;
  originalStartTime?: { dateTime: string; timeZone?: string };
  transparency?: 'opaque' | 'transparent';
  created: string;
  updated: string;
  /** Change sequence (fake-internal): which sync tokens see this version. */
  changedAt: number;
}

export interface FakeCalendar {
  id: string;
  summary: string;
  timeZone: string;
  primary?: boolean;
  accessRole?: 'owner' | 'writer' | 'reader' | 'freeBusyReader';
}

/**
 * The calendars and events of one Google account, with a change counter behind sync tokens:
 * a token names the counter value it was issued at, and answers what changed after it.
 */
export class GoogleCalendarStore {
  readonly events = new Map<string, Map<string, FakeEvent>>();
  /** Push channels opened by events.watch, by channel id. */
  readonly channels = new Map<
    string,
    { calendarId: string; resourceId: string; address: string; token?: string; expiration: string }
  >();
  private sequence = 0;
  /** Sync tokens issued before this counter value answer 410 (Google expired them). */
  oldestValidSync = 0;

  constructor(readonly calendars: FakeCalendar[]) {
    for (const calendar of calendars) this.events.set(calendar.id, new Map());
  }

  calendar(id: string): FakeCalendar | undefined {
    const resolved = id === 'primary' ? this.calendars.find((c) => c.primary)?.id : id;
    return this.calendars.find((c) => c.id === resolved);
  }

  eventsOf(calendarId: string): Map<string, FakeEvent> | undefined {
    const calendar = this.calendar(calendarId);
    return calendar ? this.events.get(calendar.id) : undefined;
  }

  /** Stores a new version: a fresh ETag and change sequence, `updated` now. */
  save(calendarId: string, event: Omit<FakeEvent, 'etag' | 'changedAt' | 'updated' | 'kind'>) {
    this.sequence += 1;
    const now = new Date().toISOString();
    const saved: FakeEvent = {
      ...event,
      kind: 'calendar#event',
      etag: `"${Date.now()}${String(this.sequence).padStart(4, '0')}"`,
      updated: now,
      changedAt: this.sequence,
    };
    this.eventsOf(calendarId)!.set(saved.id, saved);
    return saved;
  }

  syncToken(): string {
    return Buffer.from(`sync:${this.sequence}`).toString('base64url');
  }

  /** The counter a sync token was issued at, or undefined when it is not one of ours. */
  readSyncToken(token: string): number | undefined {
    const match = /^sync:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    return match ? Number(match[1]) : undefined;
  }

  /** Every sync token issued until now answers 410 Gone. */
  expireSyncTokens(): void {
    this.oldestValidSync = this.sequence + 1;
  }

  static newEventId(): string {
    // Google's generated ids use base32hex characters (a-v, 0-9).
    return randomBytes(13).toString('hex');
  }
}

/** Instances of a recurring event within [timeMin, timeMax), for singleEvents=true. */
export function expandRecurrence(event: FakeEvent, timeMin?: Date, timeMax?: Date): FakeEvent[] {
  const rule = event.recurrence?.find((line) => line.startsWith('RRULE:'));
  if (!rule || !event.start.dateTime || !event.end.dateTime) return [event];
  const parts = Object.fromEntries(
    rule
      .slice('RRULE:'.length)
      .split(';')
      .map((part) => part.split('=') as [string, string]),
  );
  const stepDays = parts.FREQ === 'WEEKLY' ? 7 : parts.FREQ === 'DAILY' ? 1 : undefined;
  if (!stepDays) return [event];
  const count = Number(parts.COUNT ?? 10);
  const start = instantOf(event.start);
  const length = instantOf(event.end) - start;
  const instances: FakeEvent[] = [];
  for (let i = 0; i < count; i += 1) {
    // Fixed 24 h steps: the fake's series are UTC-anchored (a DST-aware series would keep
    // its local time; tests that cross DST use single events).
    const at = start + i * stepDays * 86_400_000;
    if (timeMax && at >= timeMax.getTime()) break;
    if (timeMin && at + length <= timeMin.getTime()) continue;
    const startIso = new Date(at).toISOString();
    instances.push({
      ...event,
      id: `${event.id}_${startIso.replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`,
      recurringEventId: event.id,
      recurrence: undefined,
      originalStartTime: { dateTime: startIso, timeZone: event.start.timeZone },
      start: { dateTime: startIso, timeZone: event.start.timeZone },
      end: { dateTime: new Date(at + length).toISOString(), timeZone: event.end.timeZone },
    });
  }
  return instances;
}

/**
 * The instant an event time names. A `dateTime` without an offset is wall-clock time in its
 * `timeZone` (Google's rule); `date` (all-day) is midnight UTC here.
 */
export function instantOf(time: { dateTime?: string; date?: string; timeZone?: string }): number {
  const value = time.dateTime ?? time.date!;
  if (!time.dateTime || /(Z|[+-]\d{2}:\d{2})$/.test(value) || !time.timeZone) {
    return new Date(time.dateTime ? value : `${value}T00:00:00Z`).getTime();
  }
  const asUtc = new Date(`${value}Z`).getTime();
  const offsetAt = (instant: number) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone: time.timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      })
        .formatToParts(new Date(instant))
        .map((part) => [part.type, Number(part.value)]),
    );
    const wall = Date.UTC(
      parts.year,
      parts.month - 1,
      parts.day,
      parts.hour,
      parts.minute,
      parts.second,
    );
    return wall - (instant - (instant % 1000));
  };
  const guess = asUtc - offsetAt(asUtc);
  return asUtc - offsetAt(guess);
}
