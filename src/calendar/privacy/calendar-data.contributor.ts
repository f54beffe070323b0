import { Injectable } from '@nestjs/common';
import {
  DataContributor,
  ErasureReceipt,
  PrivacyContributor,
} from '@core/privacy/privacy-contributor';
import { CalendarNeedsReauthError } from '../calendar.errors';
import { CalendarCache } from '../cache/calendar-cache';
import { CalendarConnectionsRepository } from '../connection/calendar-connections.repository';
import { CalendarEventView, PRIVATE_KEYS, toView } from '../events/calendar-event';
import { CalendarApi } from '../google/calendar-api';

/** Google's largest page of events. */
const PAGE_SIZE = 2500;

/**
 * Calendar's part in data subject requests. Omnihub keeps no appointment rows: an appointment
 * is an event in the tenant's Google Calendar carrying the contact's id in a private property.
 * The export asks Google for those events on every granted calendar; erasure drops Omnihub's
 * cached copies of the tenant's calendar reads and leaves the events, which are the tenant's
 * own calendar (the receipt says so).
 */
@Injectable()
@PrivacyContributor()
export class CalendarDataContributor implements DataContributor {
  readonly name = 'calendar';

  constructor(
    private readonly api: CalendarApi,
    private readonly connections: CalendarConnectionsRepository,
    private readonly cache: CalendarCache,
  ) {}

  async export(tenantId: string, contactId: string): Promise<unknown> {
    const connection = await this.connections.findByTenant(tenantId);
    if (!connection) return { appointments: [] };
    const appointments: CalendarEventView[] = [];
    try {
      for (const { calendarId } of await this.connections.calendars(tenantId)) {
        appointments.push(...(await this.linkedEvents(tenantId, calendarId, contactId)));
      }
    } catch (error) {
      // A dead grant must not fail the whole export: the section says why it is empty.
      if (error instanceof CalendarNeedsReauthError) {
        return { appointments: [], unavailable: 'CALENDAR.NEEDS_REAUTH' };
      }
      throw error;
    }
    return { appointments };
  }

  async erase(tenantId: string): Promise<ErasureReceipt> {
    const connection = await this.connections.findByTenant(tenantId);
    if (!connection) return { deleted: {}, kept: [] };
    await this.cache.invalidate(tenantId);
    return {
      deleted: {},
      kept: [
        {
          what: "Appointments for the contact in the tenant's Google Calendar",
          reason:
            "They are events in the tenant's own calendar, kept by Google; Omnihub stores no " +
            'copy beyond a short-lived read cache, which was dropped. Delete them in Google ' +
            'Calendar or through the calendar events API.',
        },
      ],
    };
  }

  private async linkedEvents(
    tenantId: string,
    calendarId: string,
    contactId: string,
  ): Promise<CalendarEventView[]> {
    const found: CalendarEventView[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.api.run(tenantId, (calendar) =>
        calendar.events.list({
          calendarId,
          privateExtendedProperty: [`${PRIVATE_KEYS.contact}=${contactId}`],
          maxResults: PAGE_SIZE,
          pageToken,
        }),
      );
      found.push(
        ...(page.items ?? [])
          .filter((event) => event.extendedProperties?.private?.[PRIVATE_KEYS.tenant] === tenantId)
          .map((event) => toView(calendarId, event)),
      );
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    return found;
  }
}
