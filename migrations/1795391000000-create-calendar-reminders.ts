import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Appointment reminders (src/calendar/reminders/).
 *
 * - `calendar_reminder_rules`: per tenant, when (minutes before the start) and how (WhatsApp
 *   account, approved template, body parameters, the action of each quick-reply button, the
 *   confirmation texts) an appointment is reminded.
 * - `calendar_reminders`: the durable schedule, one row per appointment × rule with its due
 *   time. `revision` moves on every change (moved, cancelled, rule edited), so a send is
 *   keyed by (id, revision): a crash after the send repeats the same key (never a second
 *   message) while a moved appointment gets a reminder for its new time.
 * - `calendar_reminder_replies`: one row per inbound button reply (by message id), so a
 *   redelivered reply is audited and answered once.
 */
export class CreateCalendarReminders1795391000000 implements MigrationInterface {
  name = 'CreateCalendarReminders1795391000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE calendar_reminder_rules (
        id                  uuid PRIMARY KEY,
        tenant_id           uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        name                text NOT NULL,
        offset_minutes      integer NOT NULL CHECK (offset_minutes > 0),
        channel_account_id  uuid NOT NULL,
        template_name       text NOT NULL,
        template_language   text NOT NULL,
        body_parameters     text[] NOT NULL DEFAULT '{}',
        buttons             text[] NOT NULL DEFAULT '{}',
        confirmation_texts  jsonb NOT NULL,
        enabled             boolean NOT NULL DEFAULT true,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX calendar_reminder_rules_tenant_idx ON calendar_reminder_rules (tenant_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE calendar_reminders (
        id                 uuid PRIMARY KEY,
        tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        rule_id            uuid NOT NULL REFERENCES calendar_reminder_rules (id) ON DELETE CASCADE,
        calendar_id        text NOT NULL,
        event_id           text NOT NULL,
        contact_id         uuid NOT NULL,
        appointment_start  timestamptz NOT NULL,
        due_at             timestamptz NOT NULL,
        status             text NOT NULL DEFAULT 'scheduled'
                           CHECK (status IN ('scheduled', 'sent', 'cancelled', 'skipped', 'failed')),
        revision           integer NOT NULL DEFAULT 1,
        lease_until        timestamptz,
        message_id         uuid,
        error_code         text,
        sent_at            timestamptz,
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, calendar_id, event_id, rule_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX calendar_reminders_due_idx ON calendar_reminders (due_at)
         WHERE status = 'scheduled'`,
    );
    await queryRunner.query(
      `CREATE INDEX calendar_reminders_rule_idx ON calendar_reminders (rule_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE calendar_reminder_replies (
        message_id   uuid PRIMARY KEY,
        tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        reminder_id  uuid NOT NULL REFERENCES calendar_reminders (id) ON DELETE CASCADE,
        action       text NOT NULL CHECK (action IN ('confirm', 'reschedule', 'cancel')),
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX calendar_reminder_replies_reminder_idx
         ON calendar_reminder_replies (reminder_id, created_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE calendar_reminder_replies`);
    await queryRunner.query(`DROP TABLE calendar_reminders`);
    await queryRunner.query(`DROP TABLE calendar_reminder_rules`);
  }
}
