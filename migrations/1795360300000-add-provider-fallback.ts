import { MigrationInterface, QueryRunner } from 'typeorm';

/** An account may name a fallback account; a message records why it moved to it. */
export class AddProviderFallback1795360300000 implements MigrationInterface {
  name = 'AddProviderFallback1795360300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE channel_accounts ADD COLUMN fallback_account_id uuid`);
    await queryRunner.query(
      `ALTER TABLE channel_accounts ADD CONSTRAINT channel_accounts_fallback_account_id_fkey
       FOREIGN KEY (fallback_account_id) REFERENCES channel_accounts (id) ON DELETE SET NULL`,
    );
    await queryRunner.query(`ALTER TABLE messages ADD COLUMN fallback_reason text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE messages DROP COLUMN fallback_reason`);
    await queryRunner.query(
      `ALTER TABLE channel_accounts DROP CONSTRAINT channel_accounts_fallback_account_id_fkey`,
    );
    await queryRunner.query(`ALTER TABLE channel_accounts DROP COLUMN fallback_account_id`);
  }
}
