import type { FieldError } from '@core/errors/domain-error';

export const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Day = (typeof DAYS)[number];

/** Local opening periods per weekday, `HH:mm` (end after start; `24:00` ends the day). */
export type WeeklyHours = Partial<Record<Day, Array<{ start: string; end: string }>>>;

export interface WorkingHours {
  /** For every calendar without its own. */
  default?: WeeklyHours;
  /** By Google calendar id. */
  calendars?: Record<string, WeeklyHours>;
}

/** Monday to Friday, 09:00–18:00: what a tenant that set nothing gets. */
export const DEFAULT_WEEK: WeeklyHours = Object.fromEntries(
  (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => [
    day,
    [{ start: '09:00', end: '18:00' }],
  ]),
);

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

/** Field errors of a working-hours object sent by a client (empty when it is valid). */
export function workingHoursProblems(value: unknown, field = 'workingHours'): FieldError[] {
  if (!isRecord(value)) return [{ field, message: 'must be an object' }];
  const problems: FieldError[] = [];
  for (const key of Object.keys(value)) {
    if (key !== 'default' && key !== 'calendars') {
      problems.push({ field: `${field}.${key}`, message: 'is not a known property' });
    }
  }
  if (value.default !== undefined)
    problems.push(...weekProblems(value.default, `${field}.default`));
  if (value.calendars !== undefined) {
    if (!isRecord(value.calendars)) {
      problems.push({ field: `${field}.calendars`, message: 'must be an object by calendar id' });
    } else {
      const entries = Object.entries(value.calendars);
      if (entries.length > 100)
        problems.push({ field: `${field}.calendars`, message: 'at most 100 calendars' });
      for (const [id, week] of entries.slice(0, 100)) {
        problems.push(...weekProblems(week, `${field}.calendars.${id}`));
      }
    }
  }
  return problems;
}

function weekProblems(week: unknown, field: string): FieldError[] {
  if (!isRecord(week)) return [{ field, message: 'must be an object by weekday (mon…sun)' }];
  const problems: FieldError[] = [];
  for (const [day, periods] of Object.entries(week)) {
    if (!(DAYS as readonly string[]).includes(day)) {
      problems.push({
        field: `${field}.${day}`,
        message: 'must be one of sun, mon, tue, wed, thu, fri, sat',
      });
      continue;
    }
    if (!Array.isArray(periods) || periods.length > 10) {
      problems.push({ field: `${field}.${day}`, message: 'must be a list of at most 10 periods' });
      continue;
    }
    periods.forEach((period: unknown, index) => {
      const at = `${field}.${day}[${index}]`;
      if (!isRecord(period) || typeof period.start !== 'string' || typeof period.end !== 'string') {
        problems.push({ field: at, message: 'must be { start: "HH:mm", end: "HH:mm" }' });
      } else if (!TIME.test(period.start) || !TIME.test(period.end)) {
        problems.push({ field: at, message: 'times must be HH:mm (00:00–24:00)' });
      } else if (minutesOf(period.end) <= minutesOf(period.start)) {
        problems.push({ field: at, message: 'end must be after start' });
      }
    });
  }
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
