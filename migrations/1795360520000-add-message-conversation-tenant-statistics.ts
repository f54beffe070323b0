import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A conversation belongs to one tenant, but the planner treats `conversation_id = $1 AND
 * tenant_id = $2` (the history page) as independent filters and multiplies their selectivities.
 * Once that estimate drops below the page size, it reads the whole conversation through a bitmap
 * scan and sorts it instead of walking messages_conversation_id_idx backwards for one page. The
 * history benchmark at 1M messages showed it: a 970-message conversation outside the
 * most-common-values list was estimated at 44 rows and read 977 buffers (4.2 ms) for 51 rows;
 * with these statistics it is estimated at 112 and reads 56 (0.4 ms), as long conversations do.
 * ANALYZE fills the statistics now instead of at autovacuum's next analyze of a large table.
 */
export class AddMessageConversationTenantStatistics1795360520000 implements MigrationInterface {
  name = 'AddMessageConversationTenantStatistics1795360520000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE STATISTICS messages_conversation_tenant_dependency (dependencies)
        ON conversation_id, tenant_id FROM messages`,
    );
    await queryRunner.query(`ANALYZE messages`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP STATISTICS messages_conversation_tenant_dependency`);
  }
}
