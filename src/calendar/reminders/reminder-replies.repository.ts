import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditTrail } from '@app/audit/audit-trail';
import type { ReplyAction } from './reminder-rule';

const AUDIT_ACTIONS: Record<ReplyAction, string> = {
  confirm: 'appointment.confirmed',
  reschedule: 'appointment.reschedule_requested',
  cancel: 'appointment.cancelled',
};

/** Patients' button replies to reminders (calendar_reminder_replies), audited once each. */
@Injectable()
export class ReminderRepliesRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * Records the reply carried by inbound message `messageId` and its audit entry in one
   * transaction; false (and nothing written) when that message was recorded before.
   */
  async record(reply: {
    tenantId: string;
    messageId: string;
    reminderId: string;
    eventId: string;
    action: ReplyAction;
  }): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const inserted: unknown[] = await tx.query(
        `INSERT INTO calendar_reminder_replies (message_id, tenant_id, reminder_id, action)
         VALUES ($1, $2, $3, $4) ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
        [reply.messageId, reply.tenantId, reply.reminderId, reply.action],
      );
      if (inserted.length === 0) return false;
      await this.audit.record(
        {
          action: AUDIT_ACTIONS[reply.action],
          tenantId: reply.tenantId,
          resource: { type: 'appointment', id: reply.eventId },
          actor: { kind: 'system', id: 'calendar.reminder_replies' },
        },
        tx,
      );
      return true;
    });
  }
}
