import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hub operator actions (circuit resets, dead-letter re-drives and discards) are audited in the
 * one audit log (`audit_log`, hash-chained, src/audit/) now, so `hub_operations`, a second
 * audit log with no chain and no retention, goes. Its rows are not copied: they cannot join a
 * tenant's chain after the fact without breaking the chain's time order, and they were written
 * only by the short-lived build that created the table. `dead_letter_discards` stays: it is
 * state (which failed sends the dead-letter view leaves out), not audit.
 */
export class DropHubOperations1795394000000 implements MigrationInterface {
  name = 'DropHubOperations1795394000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE hub_operations`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
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
  }
}
