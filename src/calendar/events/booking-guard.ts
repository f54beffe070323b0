import { Injectable } from '@nestjs/common';
import { CalendarSlotTakenError } from '../calendar.errors';
import { CalendarLocks } from '../connection/calendar-locks';
import { CalendarApi } from '../google/calendar-api';

/**
 * "Refuses to book an overlapping slot unless asked": the calendar's events in the slot are
 * read from Google (never the cache) and the write happens under a per-calendar Redis lock, so
 * two bookings of one free slot cannot both succeed, whichever pods take them.
 */
@Injectable()
export class BookingGuard {
  constructor(
    private readonly api: CalendarApi,
    private readonly locks: CalendarLocks,
  ) {}

  async book<T>(
    booking: {
      tenantId: string;
      calendarId: string;
      startMs: number;
      endMs: number;
      allowOverlap?: boolean;
      /** The event being moved: it does not collide with itself. */
      ignoreEventId?: string;
    },
    write: () => Promise<T>,
  ): Promise<T> {
    if (booking.allowOverlap) return write();
    return this.locks.withLock(`book:${booking.tenantId}:${booking.calendarId}`, async () => {
      const busy = await this.api.run(booking.tenantId, (calendar) =>
        calendar.events.list({
          calendarId: booking.calendarId,
          timeMin: new Date(booking.startMs).toISOString(),
          timeMax: new Date(booking.endMs).toISOString(),
          singleEvents: true,
          maxResults: 50,
        }),
      );
      const clash = (busy.items ?? []).some(
        (event) =>
          event.status !== 'cancelled' &&
          event.transparency !== 'transparent' &&
          !isTheMovedEvent(event, booking.ignoreEventId) &&
          // All-day entries (holidays, reminders) do not block appointment times.
          event.start?.dateTime !== undefined &&
          event.start.dateTime !== null,
      );
      if (clash) throw new CalendarSlotTakenError();
      return write();
    });
  }
}

function isTheMovedEvent(
  event: { id?: string | null; recurringEventId?: string | null },
  movedId: string | undefined,
): boolean {
  return movedId !== undefined && (event.id === movedId || event.recurringEventId === movedId);
}
