export type SendUpdates = 'all' | 'externalOnly' | 'none';

export interface Attendee {
  email: string;
  name?: string;
}

/** Create an appointment; times without an offset are local to `timeZone`. */
export interface CreateEventCommand {
  tenantId: string;
  /** Default: the connection's primary calendar. */
  calendarId?: string;
  title: string;
  description?: string;
  location?: string;
  start: string;
  end: string;
  /** Default: the tenant's time zone (calendar settings). */
  timeZone?: string;
  attendees?: Attendee[];
  contactId?: string;
  sendUpdates?: SendUpdates;
  allowOverlap?: boolean;
  /** Chosen by the caller when the create may be applied later (a queued write). */
  eventId?: string;
}

export interface DeleteEventCommand {
  tenantId: string;
  calendarId?: string;
  eventId: string;
  ifMatch?: string;
  sendUpdates?: SendUpdates;
}

export interface UpdateEventCommand {
  tenantId: string;
  calendarId?: string;
  eventId: string;
  /** The ETag the caller read; a newer version at Google → 412 CALENDAR.EVENT_CHANGED. */
  ifMatch?: string;
  title?: string;
  description?: string | null;
  location?: string | null;
  start?: string;
  end?: string;
  timeZone?: string;
  attendees?: Attendee[];
  /** `null` unlinks the contact. */
  contactId?: string | null;
  sendUpdates?: SendUpdates;
  allowOverlap?: boolean;
}

export interface ListEventsQuery {
  tenantId: string;
  calendarId?: string;
  from: string;
  to: string;
  pageToken?: string;
  limit?: number;
}
