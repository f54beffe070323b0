import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';

export type ReminderStatus = 'scheduled' | 'sent' | 'cancelled' | 'skipped' | 'failed';

/** One appointment × rule of the schedule. */
export interface Reminder {
  id: string;
  tenantId: string;
  ruleId: string;
  calendarId: string;
  eventId: string;
  contactId: string;
  appointmentStart: Date;
  dueAt: Date;
  status: ReminderStatus;
  revision: number;
  messageId: string | null;
  errorCode: string | null;
  sentAt: Date | null;
}

export interface AppointmentKey {
  tenantId: string;
  calendarId: string;
  eventId: string;
}

const columns = (t = '') => `${t}id, ${t}tenant_id AS "tenantId", ${t}rule_id AS "ruleId",
  ${t}calendar_id AS "calendarId", ${t}event_id AS "eventId", ${t}contact_id AS "contactId",
  ${t}appointment_start AS "appointmentStart", ${t}due_at AS "dueAt", ${t}status, ${t}revision,
  ${t}message_id AS "messageId", ${t}error_code AS "errorCode", ${t}sent_at AS "sentAt"`;
const COLUMNS = columns();

/**
 * The durable reminder schedule (calendar_reminders). Every change of an appointment bumps the
 * revision of its rows; a send is keyed and marked by (id, revision), so a lease taken before a
 * move or a cancellation can neither send the old time twice nor mark the new one sent.
 */
@Injectable()
export class RemindersRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Schedules (or reschedules) one reminder per rule. A row whose appointment kept its start
   * and contact is left as it is (a repeated notification changes nothing); a changed one is
   * scheduled again at its new due time, or `skipped` when that time has already passed.
   */
  async schedule(
    key: AppointmentKey,
    contactId: string,
    start: Date,
    rules: readonly { id: string; offsetMinutes: number }[],
    now: Date,
  ): Promise<void> {
    for (const rule of rules) {
      const dueAt = new Date(start.getTime() - rule.offsetMinutes * 60_000);
      await this.db.query(
        `INSERT INTO calendar_reminders AS r (id, tenant_id, rule_id, calendar_id, event_id,
           contact_id, appointment_start, due_at, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (tenant_id, calendar_id, event_id, rule_id) DO UPDATE SET
           contact_id = EXCLUDED.contact_id,
           appointment_start = EXCLUDED.appointment_start,
           due_at = EXCLUDED.due_at,
           status = EXCLUDED.status,
           revision = r.revision + 1,
           lease_until = NULL,
           error_code = NULL,
           updated_at = now()
         WHERE r.appointment_start <> EXCLUDED.appointment_start
            OR r.contact_id <> EXCLUDED.contact_id
            OR r.status = 'cancelled'`,
        [
          newId(),
          key.tenantId,
          rule.id,
          key.calendarId,
          key.eventId,
          contactId,
          start,
          dueAt,
          dueAt <= now ? 'skipped' : 'scheduled',
        ],
      );
    }
  }

  /** The appointment's unsent reminders will not go. */
  async cancel(key: AppointmentKey): Promise<number> {
    const [, count]: [unknown, number] = await this.db.query(
      `UPDATE calendar_reminders
          SET status = 'cancelled', revision = revision + 1, lease_until = NULL, updated_at = now()
        WHERE tenant_id = $1 AND calendar_id = $2 AND event_id = $3 AND status = 'scheduled'
        RETURNING id`,
      [key.tenantId, key.calendarId, key.eventId],
    );
    return count;
  }

  /** The contact's unsent reminders will not go (the contact was erased). */
  async cancelForContact(tenantId: string, contactId: string): Promise<number> {
    const [, count]: [unknown, number] = await this.db.query(
      `UPDATE calendar_reminders
          SET status = 'cancelled', revision = revision + 1, lease_until = NULL, updated_at = now()
        WHERE tenant_id = $1 AND contact_id = $2 AND status = 'scheduled'
        RETURNING id`,
      [tenantId, contactId],
    );
    return count;
  }

  /**
   * Leases up to `limit` due reminders until `leaseUntil`. SKIP LOCKED and the lease keep two
   * concurrent runs off the same rows; a run that dies leaves rows the next run takes again
   * once the lease has passed (and its idempotent send answers the first message).
   */
  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<Reminder[]> {
    const [rows]: [Reminder[], number] = await this.db.query(
      `UPDATE calendar_reminders SET lease_until = $2
        WHERE id IN (
          SELECT id FROM calendar_reminders
           WHERE status = 'scheduled' AND due_at <= $1
             AND (lease_until IS NULL OR lease_until <= $1)
           ORDER BY due_at LIMIT $3
           FOR UPDATE SKIP LOCKED)
        RETURNING ${COLUMNS}`,
      [now, leaseUntil, limit],
    );
    return rows;
  }

  /** Records a leased reminder's outcome, unless the appointment changed meanwhile. */
  async settle(
    reminder: Pick<Reminder, 'id' | 'revision'>,
    outcome:
      | { status: 'sent'; messageId: string; at: Date }
      | { status: 'skipped' | 'failed'; errorCode: string },
  ): Promise<void> {
    await this.db.query(
      `UPDATE calendar_reminders
          SET status = $3, message_id = $4, sent_at = $5, error_code = $6, lease_until = NULL,
              updated_at = now()
        WHERE id = $1 AND revision = $2 AND status = 'scheduled'`,
      [
        reminder.id,
        reminder.revision,
        outcome.status,
        outcome.status === 'sent' ? outcome.messageId : null,
        outcome.status === 'sent' ? outcome.at : null,
        outcome.status === 'sent' ? null : outcome.errorCode,
      ],
    );
  }

  /** Gives a leased reminder back, to be tried again from `retryAt` (it could not go now). */
  async release(reminder: Pick<Reminder, 'id' | 'revision'>, retryAt: Date): Promise<void> {
    await this.db.query(
      `UPDATE calendar_reminders SET lease_until = $3
        WHERE id = $1 AND revision = $2 AND status = 'scheduled'`,
      [reminder.id, reminder.revision, retryAt],
    );
  }

  async get(tenantId: string, id: string): Promise<Reminder | null> {
    const rows: Reminder[] = await this.db.query(
      `SELECT ${COLUMNS} FROM calendar_reminders WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return rows[0] ?? null;
  }

  /** An appointment's reminders with the patient's latest reply to each. */
  async ofAppointment(
    key: AppointmentKey,
  ): Promise<Array<Reminder & { reply: string | null; repliedAt: Date | null }>> {
    return this.db.query(
      `SELECT ${columns('r.')},
              reply.action AS reply, reply.created_at AS "repliedAt"
         FROM calendar_reminders r
         LEFT JOIN LATERAL (
           SELECT action, created_at FROM calendar_reminder_replies
            WHERE reminder_id = r.id ORDER BY created_at DESC LIMIT 1) reply ON true
        WHERE r.tenant_id = $1 AND r.calendar_id = $2 AND r.event_id = $3
        ORDER BY r.due_at`,
      [key.tenantId, key.calendarId, key.eventId],
    );
  }
}
