import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError } from '@core/errors/domain-error';
import { PlatformError } from '@core/errors/platform-error';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import { parseDateTime } from '../availability/zoned-time';
import { CalendarCache } from '../cache/calendar-cache';
import { CalendarConnectionsRepository } from '../connection/calendar-connections.repository';
import { CalendarApi } from '../google/calendar-api';
import type { calendar_v3 } from '../google/google-clients';
import { AppointmentReminders } from '../reminders/appointment-reminders';
import { CalendarSettingsRepository } from '../settings/calendar-settings.repository';
import { BookingGuard } from './booking-guard';
import { CalendarEventView, PRIVATE_KEYS, toView } from './calendar-event';
import type {
  Attendee,
  CreateEventCommand,
  DeleteEventCommand,
  ListEventsQuery,
  UpdateEventCommand,
} from './event-commands';

export interface EventPage {
  items: CalendarEventView[];
  /** Pass as `pageToken` for the next page; absent on the last. */
  nextPageToken?: string;
}

/**
 * Appointments in the tenant's Google calendars. Events we create carry our ids (event id,
 * tenant, contact) in extendedProperties.private and an id we choose, so a create retried after
 * a lost answer finds its own event instead of booking twice. Reads are cached; writes
 * invalidate the tenant's cache.
 */
@Injectable()
export class EventsService {
  constructor(
    private readonly api: CalendarApi,
    private readonly connections: CalendarConnectionsRepository,
    private readonly settings: CalendarSettingsRepository,
    private readonly contacts: ContactsService,
    private readonly guard: BookingGuard,
    private readonly cache: CalendarCache,
    private readonly reminders: AppointmentReminders,
  ) {}

  async create(command: CreateEventCommand): Promise<CalendarEventView> {
    const { tenantId } = command;
    const calendarId = await this.calendarOf(tenantId, command.calendarId);
    const timeZone = command.timeZone ?? (await this.settings.get(tenantId)).timeZone;
    const [startMs, endMs] = checkedRange(command.start, command.end, timeZone);
    if (command.contactId) await this.assertContact(tenantId, command.contactId);
    const id = command.eventId ?? newEventId();
    const body: calendar_v3.Schema$Event = {
      id,
      summary: command.title,
      description: command.description,
      location: command.location,
      start: { dateTime: command.start, timeZone },
      end: { dateTime: command.end, timeZone },
      attendees: attendeesOf(command.attendees),
      extendedProperties: {
        private: {
          [PRIVATE_KEYS.id]: id,
          [PRIVATE_KEYS.tenant]: tenantId,
          ...(command.contactId ? { [PRIVATE_KEYS.contact]: command.contactId } : {}),
        },
      },
    };
    const event = await this.guard.book(
      // A create applied again (a queued write, a lost answer) does not collide with itself.
      {
        tenantId,
        calendarId,
        startMs,
        endMs,
        allowOverlap: command.allowOverlap,
        ignoreEventId: id,
      },
      () => this.insert(tenantId, calendarId, body, command.sendUpdates),
    );
    await this.cache.invalidate(tenantId);
    const view = toView(calendarId, event);
    await this.remind(tenantId, view);
    return view;
  }

  async get(tenantId: string, eventId: string, calendarId?: string): Promise<CalendarEventView> {
    const calendar = await this.calendarOf(tenantId, calendarId);
    return this.cache.read(tenantId, 'event', { calendar, eventId }, async () =>
      toView(calendar, await this.fetch(tenantId, calendar, eventId)),
    );
  }

  async list(query: ListEventsQuery): Promise<EventPage> {
    const { tenantId } = query;
    const calendarId = await this.calendarOf(tenantId, query.calendarId);
    const timeZone = (await this.settings.get(tenantId)).timeZone;
    const [fromMs, toMs] = checkedRange(query.from, query.to, timeZone, ['from', 'to']);
    const params = {
      calendarId,
      fromMs,
      toMs,
      pageToken: query.pageToken,
      limit: query.limit ?? 50,
    };
    return this.cache.read(tenantId, 'events', params, async () => {
      const page = await this.api.run(tenantId, (calendar) =>
        calendar.events.list({
          calendarId,
          timeMin: new Date(fromMs).toISOString(),
          timeMax: new Date(toMs).toISOString(),
          // Recurring events come as their instances, in start order.
          singleEvents: true,
          orderBy: 'startTime',
          maxResults: params.limit,
          pageToken: query.pageToken,
        }),
      );
      return {
        items: (page.items ?? [])
          .filter((event) => visibleTo(tenantId, event))
          .map((event) => toView(calendarId, event)),
        ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
      };
    });
  }

  async update(command: UpdateEventCommand): Promise<CalendarEventView> {
    const { tenantId, eventId } = command;
    const calendarId = await this.calendarOf(tenantId, command.calendarId);
    if (command.contactId) await this.assertContact(tenantId, command.contactId);
    const current = await this.fetch(tenantId, calendarId, eventId);
    const patch: calendar_v3.Schema$Event = {
      ...(command.title !== undefined ? { summary: command.title } : {}),
      ...(command.description !== undefined ? { description: command.description } : {}),
      ...(command.location !== undefined ? { location: command.location } : {}),
      ...(command.attendees !== undefined ? { attendees: attendeesOf(command.attendees) } : {}),
      ...(command.contactId !== undefined
        ? { extendedProperties: { private: { [PRIVATE_KEYS.contact]: command.contactId ?? '' } } }
        : {}),
    };
    const moves = command.start !== undefined || command.end !== undefined;
    const timeZone =
      command.timeZone ?? current.start?.timeZone ?? (await this.settings.get(tenantId)).timeZone;
    const start = command.start ?? current.start?.dateTime ?? '';
    const end = command.end ?? current.end?.dateTime ?? '';
    const [startMs, endMs] = checkedRange(start, end, timeZone);
    if (moves || command.timeZone) {
      patch.start = { dateTime: start, timeZone };
      patch.end = { dateTime: end, timeZone };
    }
    const write = () =>
      this.api.run(tenantId, (calendar) =>
        calendar.events.patch(
          { calendarId, eventId, sendUpdates: command.sendUpdates ?? 'none', requestBody: patch },
          command.ifMatch ? { headers: { 'If-Match': command.ifMatch } } : {},
        ),
      );
    const event = moves
      ? await this.guard.book(
          {
            tenantId,
            calendarId,
            startMs,
            endMs,
            allowOverlap: command.allowOverlap,
            ignoreEventId: eventId,
          },
          write,
        )
      : await write();
    await this.cache.invalidate(tenantId);
    const view = toView(calendarId, event);
    await this.remind(tenantId, view);
    return view;
  }

  /** Records the patient's answer in the event (extendedProperties.private.omnihubStatus). */
  async setAppointmentStatus(
    target: { tenantId: string; calendarId: string; eventId: string },
    status: 'confirmed',
  ): Promise<void> {
    const { tenantId, calendarId, eventId } = target;
    await this.fetch(tenantId, calendarId, eventId);
    await this.api.run(tenantId, (calendar) =>
      calendar.events.patch({
        calendarId,
        eventId,
        sendUpdates: 'none',
        requestBody: { extendedProperties: { private: { [PRIVATE_KEYS.status]: status } } },
      }),
    );
    await this.cache.invalidate(tenantId);
  }

  async delete(command: DeleteEventCommand): Promise<void> {
    const calendarId = await this.calendarOf(command.tenantId, command.calendarId);
    await this.fetch(command.tenantId, calendarId, command.eventId);
    await this.api.run(command.tenantId, (calendar) =>
      calendar.events.delete(
        { calendarId, eventId: command.eventId, sendUpdates: command.sendUpdates ?? 'none' },
        command.ifMatch ? { headers: { 'If-Match': command.ifMatch } } : {},
      ),
    );
    await this.cache.invalidate(command.tenantId);
    await this.reminders.onAppointmentChanged({
      tenantId: command.tenantId,
      calendarId,
      eventId: command.eventId,
      contactId: null,
      start: null,
      status: 'cancelled',
    });
  }

  /** Keeps the appointment's reminders in step with what Google now holds. */
  private remind(tenantId: string, view: CalendarEventView): Promise<void> {
    return this.reminders.onAppointmentChanged({
      tenantId,
      calendarId: view.calendarId,
      eventId: view.id,
      contactId: view.contactId,
      start: view.start.dateTime ?? null,
      status: view.status,
    });
  }

  /** A calendar the connection granted (default its primary); any other is not found. */
  async calendarOf(tenantId: string, calendarId?: string): Promise<string> {
    await this.api.connection(tenantId);
    const calendars = await this.connections.calendars(tenantId);
    const found = calendarId
      ? calendars.find((calendar) => calendar.calendarId === calendarId)
      : (calendars.find((calendar) => calendar.primary) ?? calendars[0]);
    if (!found) throw new NotFoundError('Calendar', 'CALENDAR.CALENDAR_NOT_FOUND');
    return found.calendarId;
  }

  private async insert(
    tenantId: string,
    calendarId: string,
    body: calendar_v3.Schema$Event,
    sendUpdates: CreateEventCommand['sendUpdates'],
  ): Promise<calendar_v3.Schema$Event> {
    try {
      return await this.api.run(tenantId, (calendar) =>
        calendar.events.insert({
          calendarId,
          sendUpdates: sendUpdates ?? 'none',
          requestBody: body,
        }),
      );
    } catch (error) {
      // 409 duplicate on our fresh id: an earlier attempt of this very create went through.
      if (error instanceof PlatformError && error.details.platformCode === 'duplicate') {
        return this.fetch(tenantId, calendarId, body.id!);
      }
      throw error;
    }
  }

  private async fetch(tenantId: string, calendarId: string, eventId: string) {
    const event = await this.api.run(tenantId, (calendar) =>
      calendar.events.get({ calendarId, eventId }),
    );
    if (event.status === 'cancelled' || !visibleTo(tenantId, event)) {
      throw new NotFoundError('Event', 'CALENDAR.EVENT_NOT_FOUND');
    }
    return event;
  }

  private async assertContact(tenantId: string, contactId: string): Promise<void> {
    if (!(await this.contacts.exists(tenantId, contactId))) {
      throw new NotFoundError('Contact', 'CONTACT.NOT_FOUND');
    }
  }
}

/** Our id is the Google id: base32hex allows [a-v0-9], a hex UUID fits. */
export function newEventId(): string {
  return randomUUID().replace(/-/g, '');
}

/**
 * An event Omnihub made for another tenant is not this tenant's, even when both connected the
 * same Google account: it is not found, like any other tenant's resource.
 */
function visibleTo(tenantId: string, event: calendar_v3.Schema$Event): boolean {
  const owner = event.extendedProperties?.private?.[PRIVATE_KEYS.tenant];
  return owner === undefined || owner === tenantId;
}

function attendeesOf(
  attendees: Attendee[] | undefined,
): calendar_v3.Schema$EventAttendee[] | undefined {
  return attendees?.map(({ email, name }) => ({ email, ...(name ? { displayName: name } : {}) }));
}

/** Both ends as instants, the end after the start; names the offending field otherwise. */
function checkedRange(
  start: string,
  end: string,
  zone: string,
  fields: [string, string] = ['start', 'end'],
): [number, number] {
  const startMs = parseDateTime(start, zone);
  const endMs = parseDateTime(end, zone);
  if (Number.isNaN(startMs)) {
    throw new ValidationFailedError([
      { field: fields[0], message: 'must be an RFC 3339 date-time' },
    ]);
  }
  if (Number.isNaN(endMs) || endMs <= startMs) {
    throw new ValidationFailedError([{ field: fields[1], message: `must be after ${fields[0]}` }]);
  }
  return [startMs, endMs];
}
