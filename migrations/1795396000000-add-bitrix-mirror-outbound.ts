import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the business sent to a mirrored customer outside the open line (POST /api/v2/messages,
 * reminders, its own phone) is posted into the chat too: a fourth kind of mirror row,
 * 'outbound', kept once per (portal, message) like the others.
 */
export class AddBitrixMirrorOutbound1795396000000 implements MigrationInterface {
  name = 'AddBitrixMirrorOutbound1795396000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE bitrix_mirror_items
        DROP CONSTRAINT bitrix_mirror_items_change_check,
        ADD CONSTRAINT bitrix_mirror_items_change_check
          CHECK (change IN ('send', 'edit', 'delete', 'outbound'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM bitrix_mirror_items WHERE change = 'outbound'`);
    await queryRunner.query(`
      ALTER TABLE bitrix_mirror_items
        DROP CONSTRAINT bitrix_mirror_items_change_check,
        ADD CONSTRAINT bitrix_mirror_items_change_check CHECK (change IN ('send', 'edit', 'delete'))`);
  }
}
