import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An Idempotency-Key remembers the request it came with (a hash of route and body), so the
 * same key with a different request is refused instead of answered with the first message.
 * Keys are released after IDEMPOTENCY_KEY_RETENTION_HOURS: the partial index holds only the
 * messages whose key is still live, so finding expired ones stays cheap however many
 * messages exist. Keys stored before this migration have no fingerprint and replay as before.
 */
export class AddIdempotencyFingerprint1795365010000 implements MigrationInterface {
  name = 'AddIdempotencyFingerprint1795365010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE messages ADD COLUMN idempotency_fingerprint text`);
    await queryRunner.query(
      `CREATE INDEX messages_idempotency_key_created_idx ON messages (created_at)
        WHERE idempotency_key IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX messages_idempotency_key_created_idx`);
    await queryRunner.query(`ALTER TABLE messages DROP COLUMN idempotency_fingerprint`);
  }
}
