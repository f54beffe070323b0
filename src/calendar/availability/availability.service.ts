import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError } from '@core/errors/domain-error';
import { CalendarCache } from '../cache/calendar-cache';
import { CalendarConnectionsRepository } from '../connection/calendar-connections.repository';
import { CalendarApi } from '../google/calendar-api';
import { CalendarSettingsRepository } from '../settings/calendar-settings.repository';
import { DEFAULT_WEEK } from '../settings/working-hours';
import { freeSlots } from './free-slots';
import { parseDateTime } from './zoned-time';

export interface AvailabilityQuery {
  tenantId: string;
  from: string;
  to: string;
  durationMinutes: number;
  /** Default: the slot length. */
  stepMinutes?: number;
  /** Default: every granted calendar. */
  calendarIds?: string[];
}

export interface CalendarAvailability {
  calendarId: string;
  timeZone: string;
  slots: Array<{ start: string; end: string }>;
}

/** Google's freeBusy answers one query for at most 50 calendars. */
const MAX_CALENDARS = 50;
const MAX_RANGE_MS = 31 * 86_400_000;

/**
 * Free slots per calendar: Google's freeBusy for the busy blocks, the tenant's working hours for
 * each calendar (its own or the default, Monday–Friday 09:00–18:00 when none is set) in the
 * calendar's own time zone. Cached like every read.
 */
@Injectable()
export class AvailabilityService {
  constructor(
    private readonly api: CalendarApi,
    private readonly connections: CalendarConnectionsRepository,
    private readonly settings: CalendarSettingsRepository,
    private readonly cache: CalendarCache,
  ) {}

  async find(query: AvailabilityQuery): Promise<{ calendars: CalendarAvailability[] }> {
    const { tenantId } = query;
    await this.api.connection(tenantId);
    const settings = await this.settings.get(tenantId);
    const fromMs = parseDateTime(query.from, settings.timeZone);
    const toMs = parseDateTime(query.to, settings.timeZone);
    if (!(toMs > fromMs))
      throw new ValidationFailedError([{ field: 'to', message: 'must be after from' }]);
    if (toMs - fromMs > MAX_RANGE_MS) {
      throw new ValidationFailedError([
        { field: 'to', message: 'the range may span at most 31 days' },
      ]);
    }
    const granted = await this.connections.calendars(tenantId);
    const wanted = query.calendarIds ?? granted.map((calendar) => calendar.calendarId);
    const calendars = wanted.slice(0, MAX_CALENDARS).map((id) => {
      const found = granted.find((calendar) => calendar.calendarId === id);
      if (!found) throw new NotFoundError('Calendar', 'CALENDAR.CALENDAR_NOT_FOUND');
      return found;
    });
    const key = { fromMs, toMs, wanted, d: query.durationMinutes, s: query.stepMinutes, settings };
    return this.cache.read(tenantId, 'availability', key, async () => {
      const answer = await this.api.run(tenantId, (calendar) =>
        calendar.freebusy.query({
          requestBody: {
            timeMin: new Date(fromMs).toISOString(),
            timeMax: new Date(toMs).toISOString(),
            items: calendars.map((c) => ({ id: c.calendarId })),
          },
        }),
      );
      return {
        calendars: calendars.map((c) => {
          const busy = answer.calendars?.[c.calendarId]?.busy ?? [];
          const week =
            settings.workingHours.calendars?.[c.calendarId] ??
            settings.workingHours.default ??
            DEFAULT_WEEK;
          const slots = freeSlots({
            fromMs,
            toMs,
            durationMs: query.durationMinutes * 60_000,
            stepMs: (query.stepMinutes ?? query.durationMinutes) * 60_000,
            zone: c.timeZone,
            week,
            busy: busy.map((b) => ({ startMs: Date.parse(b.start!), endMs: Date.parse(b.end!) })),
          });
          return {
            calendarId: c.calendarId,
            timeZone: c.timeZone,
            slots: slots.map((s) => ({
              start: new Date(s.startMs).toISOString(),
              end: new Date(s.endMs).toISOString(),
            })),
          };
        }),
      };
    });
  }
}
