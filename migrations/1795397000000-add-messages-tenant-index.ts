import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A tenant's messages in id (= time, UUIDv7) order: the retention task finds a tenant's expired
 * batch as a range of this index. Without it the batch walked the primary key from the oldest
 * message of every tenant and read each row to check its tenant, so a small tenant paid for a
 * large one's history on every hourly run (npm run bench -- retention measures both).
 *
 * Built CONCURRENTLY, outside a transaction, so a large messages table keeps taking writes
 * while it builds; a build that failed half way leaves an invalid index, dropped first here.
 * `down` drops it plainly: TypeORM reverts inside a transaction whatever `transaction` says.
 */
export class AddMessagesTenantIndex1795397000000 implements MigrationInterface {
  name = 'AddMessagesTenantIndex1795397000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS messages_tenant_id_idx`);
    await queryRunner.query(
      `CREATE INDEX CONCURRENTLY messages_tenant_id_idx ON messages (tenant_id, id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX messages_tenant_id_idx`);
  }
}
