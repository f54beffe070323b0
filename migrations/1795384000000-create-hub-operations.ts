import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail of operator actions on hubs (src/hub-health/): circuit resets, dead-letter
 * re-drives and discards. Append-only; `actor` is 'admin' or the tenant credential that acted
 * (api key id or JWT subject), `tenant_id` the tenant whose accounts the action touched (null
 * for an admin action across tenants), `target` and `result` what was asked and what happened
 * (ids and counts only, never message content).
 *
 * `dead_letter_discards`: failed sends an operator discarded from the dead-letter view. The
 * message keeps its `failed` status (it is history); the view and the dead-letter gauge leave
 * it out. Rows older than the view's window are useless and pruned by the module.
 */
export class CreateHubOperations1795384000000 implements MigrationInterface {
  name = 'CreateHubOperations1795384000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE hub_operations (
        id          uuid PRIMARY KEY,
        at          timestamptz NOT NULL DEFAULT now(),
        actor       text NOT NULL,
        tenant_id   uuid REFERENCES tenants (id) ON DELETE CASCADE,
        action      text NOT NULL,
        target      jsonb NOT NULL,
        result      jsonb NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX hub_operations_tenant_at_idx ON hub_operations (tenant_id, at)`,
    );
    await queryRunner.query(`
      CREATE TABLE dead_letter_discards (
        message_id    uuid PRIMARY KEY,
        tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        discarded_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX dead_letter_discards_at_idx ON dead_letter_discards (discarded_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE dead_letter_discards`);
    await queryRunner.query(`DROP TABLE hub_operations`);
  }
}
