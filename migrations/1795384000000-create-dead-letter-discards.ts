import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `dead_letter_discards` (src/hub-health/): failed sends an operator discarded from the
 * dead-letter view. The message keeps its `failed` status (it is history); the view and the
 * dead-letter gauge leave it out. Rows older than the view's window are useless and pruned by
 * the module. Operator actions themselves go to the one audit log (src/audit/).
 */
export class CreateDeadLetterDiscards1795384000000 implements MigrationInterface {
  name = 'CreateDeadLetterDiscards1795384000000';

  async up(queryRunner: QueryRunner): Promise<void> {
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
  }
}
