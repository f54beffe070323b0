import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sweepers also re-add jobs that were enqueued long ago and never ran (Redis lost them):
 * these partial indexes keep that lookup to the few rows still waiting, however large the
 * tables grow.
 */
export class AddStalledJobIndexes1795360450000 implements MigrationInterface {
  name = 'AddStalledJobIndexes1795360450000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX inbound_events_stalled_idx ON inbound_events (enqueued_at)
        WHERE processed_at IS NULL AND attempts = 0`,
    );
    await queryRunner.query(
      `CREATE INDEX messages_queued_enqueued_idx ON messages (enqueued_at) WHERE status = 'queued'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX messages_queued_enqueued_idx`);
    await queryRunner.query(`DROP INDEX inbound_events_stalled_idx`);
  }
}
