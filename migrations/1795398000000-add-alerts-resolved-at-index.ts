import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The alert history's pruning (AlertHistoryRetention) deletes resolved alerts older than
 * ALERTS_HISTORY_RETENTION_DAYS, oldest first: a partial index on resolved_at finds them
 * without scanning the table, and firing alerts (never pruned) stay out of it.
 */
export class AddAlertsResolvedAtIndex1795398000000 implements MigrationInterface {
  name = 'AddAlertsResolvedAtIndex1795398000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX alerts_resolved_at_idx ON alerts (resolved_at) WHERE status = 'resolved'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX alerts_resolved_at_idx`);
  }
}
