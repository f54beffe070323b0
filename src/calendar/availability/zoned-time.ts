/**
 * Wall-clock times in IANA zones with nothing but Intl: the offset a zone has at an instant,
 * and the instant a zone's local time names. DST is the zone database's business: a local day
 * of 23 or 25 hours comes out right because every conversion asks for the offset at that time.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(zone, format);
  }
  return format;
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function localParts(instantMs: number, zone: string): LocalParts {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(new Date(instantMs))
      .map((part) => [part.type, part.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday),
  };
}

/** The zone's UTC offset at an instant, in ms (São Paulo: -3 h; New York: -5 h or -4 h). */
export function offsetMs(instantMs: number, zone: string): number {
  const p = localParts(instantMs, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (instantMs - (instantMs % 1000));
}

/**
 * The instant a local wall-clock time names in `zone`. A time skipped by a DST jump (02:30 on
 * the spring-forward night) resolves to the instant one offset-change later, as Google does.
 */
export function localToInstant(
  local: {
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
    second?: number;
  },
  zone: string,
): number {
  const asUtc = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second ?? 0,
  );
  const first = asUtc - offsetMs(asUtc, zone);
  const second = asUtc - offsetMs(first, zone);
  const names = (instant: number) => {
    const p = localParts(instant, zone);
    return p.day === local.day && p.hour === local.hour && p.minute === local.minute;
  };
  if (names(second)) return second;
  if (names(first)) return first;
  // Skipped by a jump forward: the later candidate is the same wall time in the new offset.
  return Math.max(first, second);
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?$/;

/** An RFC 3339 date-time: with an offset it is an instant; without one, local time in `zone`. */
export function parseDateTime(value: string, zone: string): number {
  const local = LOCAL.exec(value);
  if (!local) return Date.parse(value);
  const [, year, month, day, hour, minute, second] = local.map(Number);
  return localToInstant({ year, month, day, hour, minute, second: second || 0 }, zone);
}

export function isValidZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}
