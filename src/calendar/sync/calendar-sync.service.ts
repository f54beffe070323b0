import { Injectable, Logger } from '@nestjs/common';
import { PlatformError } from '@core/errors/platform-error';
import { CalendarCache } from '../cache/calendar-cache';
import { CalendarLocks } from '../connection/calendar-locks';
import { PRIVATE_KEYS } from '../events/calendar-event';
import { CalendarApi } from '../google/calendar-api';
import type { calendar_v3 } from '../google/google-clients';
import { AppointmentsRepository } from './appointments.repository';
import { CalendarChannelsRepository } from './calendar-channels.repository';

export interface SyncTarget {
  tenantId: string;
  connectionId: string;
  calendarId: string;
}

export interface SyncReport {
  mode: 'initial' | 'incremental' | 'full';
  seen: number;
  changed: number;
}

/** Google's page size cap for events.list. */
const PAGE_SIZE = 250;

/**
 * Brings Omnihub's appointments of one calendar up to Google's state (Google's "Synchronize
 * resources efficiently" guide): incremental with the stored sync token; a first sync is a
 * silent baseline; 410 Gone (the token lapsed) → a full resync that announces what changed and
 * cancels what disappeared. One sync per calendar at a time across pods (a Redis lock), so two
 * pushes cannot apply pages out of order or store an older token over a newer one.
 */
@Injectable()
export class CalendarSyncService {
  private readonly logger = new Logger(CalendarSyncService.name);

  constructor(
    private readonly api: CalendarApi,
    private readonly channels: CalendarChannelsRepository,
    private readonly appointments: AppointmentsRepository,
    private readonly locks: CalendarLocks,
    private readonly cache: CalendarCache,
  ) {}

  sync(target: SyncTarget): Promise<SyncReport> {
    return this.locks.withLock(`sync:${target.connectionId}:${target.calendarId}`, async () => {
      const report = await this.run(target);
      // Whatever moved at Google must not be answered from the cache any more (a baseline
      // learns nothing the cache could contradict).
      if (report.mode !== 'initial') await this.cache.invalidate(target.tenantId);
      return report;
    });
  }

  private async run(target: SyncTarget): Promise<SyncReport> {
    const token = await this.channels.syncToken(target.connectionId, target.calendarId);
    if (token === undefined) return this.pass(target, 'initial', undefined);
    try {
      return await this.pass(target, 'incremental', token);
    } catch (error) {
      if (!(error instanceof PlatformError && error.details.status === 410)) throw error;
      this.logger.warn(
        { tenantId: target.tenantId, connectionId: target.connectionId },
        'Calendar sync token expired at Google (410); resyncing the calendar in full',
      );
      return this.pass(target, 'full', undefined);
    }
  }

  private async pass(
    target: SyncTarget,
    mode: SyncReport['mode'],
    syncToken: string | undefined,
  ): Promise<SyncReport> {
    const { tenantId, calendarId } = target;
    const seen = new Set<string>();
    let changed = 0;
    let pageToken: string | undefined;
    for (;;) {
      const page: calendar_v3.Schema$Events = await this.api.run(tenantId, (calendar) =>
        calendar.events.list({
          calendarId,
          maxResults: PAGE_SIZE,
          ...(syncToken ? { syncToken } : {}),
          ...(pageToken ? { pageToken } : {}),
        }),
      );
      for (const event of page.items ?? []) {
        if (!event.id || !ownedBy(tenantId, event)) continue;
        seen.add(event.id);
        if (await this.appointments.apply(tenantId, calendarId, event, mode !== 'initial')) {
          changed += 1;
        }
      }
      pageToken = page.nextPageToken ?? undefined;
      if (pageToken) continue;
      if (mode === 'full')
        changed += await this.appointments.cancelMissing(tenantId, calendarId, seen);
      // Stored only after every page is applied: a sync that dies midway starts over.
      await this.channels.saveSyncToken(
        tenantId,
        target.connectionId,
        calendarId,
        page.nextSyncToken ?? undefined,
      );
      return { mode, seen: seen.size, changed };
    }
  }
}

/** Events Omnihub booked for another tenant on a shared Google account are not this one's. */
function ownedBy(tenantId: string, event: calendar_v3.Schema$Event): boolean {
  const owner = event.extendedProperties?.private?.[PRIVATE_KEYS.tenant];
  return owner === undefined || owner === tenantId;
}
