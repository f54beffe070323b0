import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import type { NewReminderRule, ReminderRule } from './reminder-rule';

const COLUMNS = `id, name, offset_minutes AS "offsetMinutes",
  channel_account_id AS "channelAccountId",
  json_build_object('name', template_name, 'language', template_language) AS template,
  body_parameters AS "bodyParameters", buttons, confirmation_texts AS "confirmationTexts",
  enabled, created_at AS "createdAt", updated_at AS "updatedAt"`;

type Row = Omit<ReminderRule, 'createdAt' | 'updatedAt'> & { createdAt: Date; updatedAt: Date };

const toRule = (row: Row): ReminderRule => ({
  ...row,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** A tenant's reminder rules (calendar_reminder_rules); every query is tenant-scoped. */
@Injectable()
export class ReminderRulesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(tenantId: string): Promise<ReminderRule[]> {
    const rows: Row[] = await this.db.query(
      `SELECT ${COLUMNS} FROM calendar_reminder_rules WHERE tenant_id = $1
       ORDER BY offset_minutes DESC, id`,
      [tenantId],
    );
    return rows.map(toRule);
  }

  async enabled(tenantId: string): Promise<ReminderRule[]> {
    return (await this.list(tenantId)).filter((rule) => rule.enabled);
  }

  async get(tenantId: string, id: string): Promise<ReminderRule | null> {
    const rows: Row[] = await this.db.query(
      `SELECT ${COLUMNS} FROM calendar_reminder_rules WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return rows[0] ? toRule(rows[0]) : null;
  }

  async create(tenantId: string, rule: NewReminderRule): Promise<ReminderRule> {
    const id = newId();
    await this.db.query(
      `INSERT INTO calendar_reminder_rules (id, tenant_id, name, offset_minutes,
         channel_account_id, template_name, template_language, body_parameters, buttons,
         confirmation_texts, enabled)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [id, tenantId, ...values(rule)],
    );
    return (await this.get(tenantId, id))!;
  }

  /**
   * Replaces the rule; its unsent reminders follow a new offset (a new revision, so a lease
   * taken before the edit cannot mark them sent).
   */
  async replace(tenantId: string, id: string, rule: NewReminderRule): Promise<ReminderRule | null> {
    return this.db.transaction(async (tx) => {
      const [, count]: [unknown, number] = await tx.query(
        `UPDATE calendar_reminder_rules SET name = $3, offset_minutes = $4,
           channel_account_id = $5, template_name = $6, template_language = $7,
           body_parameters = $8, buttons = $9, confirmation_texts = $10, enabled = $11,
           updated_at = now()
         WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id, ...values(rule)],
      );
      if (count === 0) return null;
      await tx.query(
        `UPDATE calendar_reminders
            SET due_at = appointment_start - make_interval(mins => $3), revision = revision + 1,
                lease_until = NULL, updated_at = now()
          WHERE tenant_id = $1 AND rule_id = $2 AND status = 'scheduled'`,
        [tenantId, id, rule.offsetMinutes],
      );
      const rows: Row[] = await tx.query(
        `SELECT ${COLUMNS} FROM calendar_reminder_rules WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id],
      );
      return toRule(rows[0]);
    });
  }

  /** Deletes the rule with its schedule; false when the tenant has no such rule. */
  async delete(tenantId: string, id: string): Promise<boolean> {
    const [, count]: [unknown, number] = await this.db.query(
      `DELETE FROM calendar_reminder_rules WHERE tenant_id = $1 AND id = $2 RETURNING id`,
      [tenantId, id],
    );
    return count > 0;
  }
}

function values(rule: NewReminderRule): unknown[] {
  return [
    rule.name,
    rule.offsetMinutes,
    rule.channelAccountId,
    rule.template.name,
    rule.template.language,
    rule.bodyParameters,
    rule.buttons,
    JSON.stringify(rule.confirmationTexts),
    rule.enabled,
  ];
}
