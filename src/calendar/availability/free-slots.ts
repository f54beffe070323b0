import { DAYS, WeeklyHours, minutesOf } from '../settings/working-hours';
import { localParts, localToInstant } from './zoned-time';

export interface Interval {
  startMs: number;
  endMs: number;
}

export interface SlotRequest {
  fromMs: number;
  toMs: number;
  durationMs: number;
  stepMs: number;
  /** The calendar's zone: working hours are its wall-clock times. */
  zone: string;
  week: WeeklyHours;
  busy: readonly Interval[];
}

const DAY_MS = 86_400_000;

/**
 * Free slots of `durationMs` within [from, to): inside the week's working periods (local to
 * `zone`, so a 09:00 start stays 09:00 across a DST change), starting every `stepMs` from each
 * period's start, and overlapping no busy interval.
 */
export function freeSlots(request: SlotRequest): Interval[] {
  const { fromMs, toMs, durationMs, stepMs, zone, week, busy } = request;
  const slots: Interval[] = [];
  // Walk local calendar days from the day `from` falls on; noon keeps clear of DST hours.
  const first = localParts(fromMs, zone);
  let day = Date.UTC(first.year, first.month - 1, first.day, 12);
  for (; ; day += DAY_MS) {
    const date = new Date(day);
    const local = {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
    };
    if (localToInstant({ ...local, hour: 0, minute: 0 }, zone) >= toMs) break;
    for (const period of week[DAYS[date.getUTCDay()]] ?? []) {
      const periodStart = at(local, minutesOf(period.start), zone);
      const periodEnd = at(local, minutesOf(period.end), zone);
      for (let start = periodStart; start + durationMs <= periodEnd; start += stepMs) {
        const end = start + durationMs;
        if (start < fromMs || end > toMs) continue;
        if (busy.some((b) => b.startMs < end && b.endMs > start)) continue;
        slots.push({ startMs: start, endMs: end });
      }
    }
  }
  return slots;
}

/** The instant of a local day's minute (1440 = the next midnight). */
function at(local: { year: number; month: number; day: number }, minute: number, zone: string) {
  if (minute === 1440) {
    const next = new Date(Date.UTC(local.year, local.month - 1, local.day + 1));
    return localToInstant(
      {
        year: next.getUTCFullYear(),
        month: next.getUTCMonth() + 1,
        day: next.getUTCDate(),
        hour: 0,
        minute: 0,
      },
      zone,
    );
  }
  return localToInstant({ ...local, hour: Math.floor(minute / 60), minute: minute % 60 }, zone);
}
