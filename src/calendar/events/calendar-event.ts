import type { calendar_v3 } from '../google/google-clients';

/** Keys of Omnihub's ids in an event's `extendedProperties.private`. */
export const PRIVATE_KEYS = {
  id: 'omnihubId',
  tenant: 'omnihubTenantId',
  contact: 'omnihubContactId',
  /** The patient's answer to a reminder (`confirmed`). */
  status: 'omnihubStatus',
} as const;

export interface EventTime {
  /** RFC 3339 as Google answers it (with an offset). */
  dateTime?: string;
  /** All-day events only: `YYYY-MM-DD`. */
  date?: string;
  timeZone?: string;
}

/** An event as the API answers it. */
export interface CalendarEventView {
  id: string;
  calendarId: string;
  status: string;
  title: string | null;
  description: string | null;
  location: string | null;
  start: EventTime;
  end: EventTime;
  attendees: Array<{ email: string; name: string | null; responseStatus: string | null }>;
  contactId: string | null;
  /** Made through Omnihub (it carries our ids). */
  createdByOmnihub: boolean;
  recurringEventId: string | null;
  htmlLink: string | null;
  /** Send as If-Match to change or delete exactly this version. */
  etag: string;
  updatedAt: string | null;
}

export function toView(calendarId: string, event: calendar_v3.Schema$Event): CalendarEventView {
  const ours = event.extendedProperties?.private ?? {};
  return {
    id: event.id!,
    calendarId,
    status: event.status ?? 'confirmed',
    title: event.summary ?? null,
    description: event.description ?? null,
    location: event.location ?? null,
    start: timeOf(event.start),
    end: timeOf(event.end),
    attendees: (event.attendees ?? []).map((attendee) => ({
      email: attendee.email ?? '',
      name: attendee.displayName ?? null,
      responseStatus: attendee.responseStatus ?? null,
    })),
    // An unlinked contact is stored as '' (a patch cannot remove a private key).
    contactId: ours[PRIVATE_KEYS.contact] || null,
    createdByOmnihub: ours[PRIVATE_KEYS.id] !== undefined,
    recurringEventId: event.recurringEventId ?? null,
    htmlLink: event.htmlLink ?? null,
    etag: event.etag ?? '',
    updatedAt: event.updated ?? null,
  };
}

function timeOf(time: calendar_v3.Schema$EventDateTime | undefined): EventTime {
  return {
    ...(time?.dateTime ? { dateTime: time.dateTime } : {}),
    ...(time?.date ? { date: time.date } : {}),
    ...(time?.timeZone ? { timeZone: time.timeZone } : {}),
  };
}
