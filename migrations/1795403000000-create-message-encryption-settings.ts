import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per tenant: whether the text of messages stored from now on is sealed at rest
 * (src/messaging/messages/message-content.codec.ts). A tenant without a row stores plain text.
 */
export class CreateMessageEncryptionSettings1795403000000 implements MigrationInterface {
  name = 'CreateMessageEncryptionSettings1795403000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE message_encryption_settings (
        tenant_id   uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
        enabled     boolean NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE message_encryption_settings`);
  }
}
