import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Calendar writes accepted while Google was failing (src/calendar/operations/): the API answered
 * 202 with the row's id and the `calendar` queue applies it once Google answers again.
 * `command` (title, attendees... personal data) is sealed by SecretBox (context
 * `calendar_operations.command:<id>`); `event_id` is ours, chosen before the first attempt, so a
 * create applied twice finds its event instead of booking twice.
 */
export class CreateCalendarOperations1795390100000 implements MigrationInterface {
  name = 'CreateCalendarOperations1795390100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE calendar_operations (
        id             uuid PRIMARY KEY,
        tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        kind           text NOT NULL CHECK (kind IN ('create', 'update', 'delete')),
        event_id       text NOT NULL,
        command        text NOT NULL,
        status         text NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'applied', 'failed')),
        attempts       integer NOT NULL DEFAULT 0,
        etag           text,
        error_code     text,
        error_message  text,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX calendar_operations_pending_idx ON calendar_operations (created_at)
         WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX calendar_operations_tenant_idx ON calendar_operations (tenant_id, id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE calendar_operations`);
  }
}
