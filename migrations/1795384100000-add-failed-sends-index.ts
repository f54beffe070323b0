import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed sends by failure time: the dead-letter view (GET /api/v2/hub/queues/outbound/
 * dead-letters) and its gauge read the recent ones. Partial, so it holds failures only.
 */
export class AddFailedSendsIndex1795384100000 implements MigrationInterface {
  name = 'AddFailedSendsIndex1795384100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX messages_failed_at_idx ON messages (failed_at) WHERE status = 'failed'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX messages_failed_at_idx`);
  }
}
