import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { newId } from '@core/database/ids';
import { DomainEventRecorder } from '@app/messaging/events/domain-event-recorder';
import { parseDateTime } from '../availability/zoned-time';
import { PRIVATE_KEYS } from '../events/calendar-event';
import type { calendar_v3 } from '../google/google-clients';

/** What `appointment.changed` says happened (its `status`). */
export type AppointmentChange = 'created' | 'updated' | 'moved' | 'cancelled';

/** An appointment as the last sync saw it at Google. */
export interface Appointment {
  /** Our id: the stream of its `appointment.changed` events. */
  id: string;
  tenantId: string;
  calendarId: string;
  /** Google's event id (the API's `eventId`). */
  eventId: string;
  status: string;
  startsAt: Date | null;
  endsAt: Date | null;
  contactId: string | null;
  etag: string;
}

const COLUMNS = `id, tenant_id AS "tenantId", calendar_id AS "calendarId", event_id AS "eventId",
  status, starts_at AS "startsAt", ends_at AS "endsAt", contact_id AS "contactId", etag`;

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * Appointments mirrored from Google by the sync. Applying an event version compares it with
 * the stored one and, when it really changed, records `appointment.changed` in the same
 * transaction (the stream's transactional outbox): a redelivered push or a repeated sync
 * changes nothing and announces nothing.
 */
@Injectable()
export class AppointmentsRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: DomainEventRecorder,
  ) {}

  async find(tenantId: string, id: string): Promise<Appointment | undefined> {
    if (!UUID.test(id)) return undefined;
    const rows: Appointment[] = await this.db.query(
      `SELECT ${COLUMNS} FROM calendar_appointments WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return rows[0];
  }

  /**
   * Stores one event version; answers the change it made, if any. `announce` false stores
   * silently (a calendar's first sync is a baseline, not a burst of changes).
   */
  async apply(
    tenantId: string,
    calendarId: string,
    event: calendar_v3.Schema$Event,
    announce: boolean,
  ): Promise<AppointmentChange | undefined> {
    return this.db.transaction(async (tx) => {
      const [current]: Appointment[] = await tx.query(
        `SELECT ${COLUMNS} FROM calendar_appointments
          WHERE tenant_id = $1 AND calendar_id = $2 AND event_id = $3 FOR UPDATE`,
        [tenantId, calendarId, event.id],
      );
      const cancelled = event.status === 'cancelled';
      // A cancelled event may come back with its id and status only: keep what we knew.
      const startsAt = instant(event.start) ?? current?.startsAt ?? null;
      const endsAt = instant(event.end) ?? current?.endsAt ?? null;
      const change = changeOf(current, event, startsAt, endsAt);
      if (!change) return undefined;
      if (!current && cancelled) return undefined;
      const id = current?.id ?? ourIdOf(event) ?? newId();
      const contact = event.extendedProperties?.private?.[PRIVATE_KEYS.contact];
      await tx.query(
        `INSERT INTO calendar_appointments
           (id, tenant_id, calendar_id, event_id, status, starts_at, ends_at, contact_id, etag,
            google_updated)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (tenant_id, calendar_id, event_id) DO UPDATE SET
           status = EXCLUDED.status, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
           contact_id = COALESCE(EXCLUDED.contact_id, calendar_appointments.contact_id),
           etag = EXCLUDED.etag, google_updated = EXCLUDED.google_updated, updated_at = now()`,
        [
          id,
          tenantId,
          calendarId,
          event.id,
          event.status ?? 'confirmed',
          startsAt,
          endsAt,
          contact && UUID.test(contact) ? contact : null,
          event.etag ?? '',
          event.updated ?? null,
        ],
      );
      if (announce) await this.record(tx, tenantId, id, current?.contactId ?? contact, change);
      return change;
    });
  }

  /**
   * After a full resync: the calendar's appointments Google no longer lists were deleted
   * there while our sync token had lapsed. They are cancelled here, announced.
   */
  async cancelMissing(tenantId: string, calendarId: string, seen: Set<string>): Promise<number> {
    const rows: Appointment[] = await this.db.query(
      `SELECT ${COLUMNS} FROM calendar_appointments
        WHERE tenant_id = $1 AND calendar_id = $2 AND status <> 'cancelled'`,
      [tenantId, calendarId],
    );
    let cancelled = 0;
    for (const row of rows.filter((r) => !seen.has(r.eventId))) {
      const change = await this.apply(
        tenantId,
        calendarId,
        { id: row.eventId, status: 'cancelled', etag: `${row.etag}:gone` },
        true,
      );
      if (change) cancelled += 1;
    }
    return cancelled;
  }

  private record(
    tx: EntityManager,
    tenantId: string,
    appointmentId: string,
    contactId: string | null | undefined,
    change: AppointmentChange,
  ): Promise<void> {
    return this.events.record(tx, {
      tenantId,
      type: 'appointment.changed',
      streamId: appointmentId,
      contactId: contactId && UUID.test(contactId) ? contactId : null,
      status: change,
    });
  }
}

function changeOf(
  current: Appointment | undefined,
  event: calendar_v3.Schema$Event,
  startsAt: Date | null,
  endsAt: Date | null,
): AppointmentChange | undefined {
  if (!current) return event.status === 'cancelled' ? undefined : 'created';
  if (event.status === 'cancelled') return current.status === 'cancelled' ? undefined : 'cancelled';
  if (current.etag === event.etag && current.status === event.status) return undefined;
  if (current.status === 'cancelled') return 'created';
  const moved =
    startsAt?.getTime() !== current.startsAt?.getTime() ||
    endsAt?.getTime() !== current.endsAt?.getTime();
  return moved ? 'moved' : 'updated';
}

function instant(time: calendar_v3.Schema$EventDateTime | undefined): Date | undefined {
  // Google answers with an offset; a time without one is wall-clock time in its zone.
  if (time?.dateTime) return new Date(parseDateTime(time.dateTime, time.timeZone ?? 'UTC'));
  if (time?.date) return new Date(`${time.date}T00:00:00Z`);
  return undefined;
}

/** Events Omnihub booked keep their id (a hex UUID) as the appointment id. */
function ourIdOf(event: calendar_v3.Schema$Event): string | undefined {
  const ours = event.extendedProperties?.private?.[PRIVATE_KEYS.id];
  if (!ours || !/^[0-9a-f]{32}$/.test(ours)) return undefined;
  return `${ours.slice(0, 8)}-${ours.slice(8, 12)}-${ours.slice(12, 16)}-${ours.slice(16, 20)}-${ours.slice(20)}`;
}
