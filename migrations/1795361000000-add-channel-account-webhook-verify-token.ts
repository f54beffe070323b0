import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An account's own webhook verify token (Meta's hub.verify_token for a number on a Meta app of
 * its own), kept as its SHA-256 only: the handshake compares it, nothing ever reads it back. The
 * partial index serves the handshake's lookup by hash.
 *
 * Tokens stored before this inside the encrypted credentials were never checked by anything and
 * cannot be hashed here (SQL holds no key): a tenant relying on one connects the number again.
 */
export class AddChannelAccountWebhookVerifyToken1795361000000 implements MigrationInterface {
  name = 'AddChannelAccountWebhookVerifyToken1795361000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE channel_accounts ADD COLUMN webhook_verify_token_sha256 bytea`,
    );
    await queryRunner.query(
      `CREATE INDEX channel_accounts_webhook_verify_token_idx
         ON channel_accounts (webhook_verify_token_sha256)
         WHERE webhook_verify_token_sha256 IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX channel_accounts_webhook_verify_token_idx`);
    await queryRunner.query(`ALTER TABLE channel_accounts DROP COLUMN webhook_verify_token_sha256`);
  }
}
