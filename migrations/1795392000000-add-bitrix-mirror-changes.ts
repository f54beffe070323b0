import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A customer's edits and deletions reach the open line through the same mirror rows as their
 * messages: `change` says what to post (the message, an edit, a deletion) and `change_key`
 * keeps each once however often the event stream redelivers it ('send', 'delete', or
 * 'edit:<event id>' since a message can be edited many times).
 */
export class AddBitrixMirrorChanges1795392000000 implements MigrationInterface {
  name = 'AddBitrixMirrorChanges1795392000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE bitrix_mirror_items
        ADD COLUMN change text NOT NULL DEFAULT 'send'
          CONSTRAINT bitrix_mirror_items_change_check CHECK (change IN ('send', 'edit', 'delete')),
        ADD COLUMN change_key text NOT NULL DEFAULT 'send'`);
    await queryRunner.query(`
      ALTER TABLE bitrix_mirror_items
        DROP CONSTRAINT bitrix_mirror_items_portal_id_message_id_key,
        ADD CONSTRAINT bitrix_mirror_items_change_key UNIQUE (portal_id, message_id, change_key)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM bitrix_mirror_items WHERE change <> 'send'`);
    await queryRunner.query(`
      ALTER TABLE bitrix_mirror_items
        DROP CONSTRAINT bitrix_mirror_items_change_key,
        ADD CONSTRAINT bitrix_mirror_items_portal_id_message_id_key UNIQUE (portal_id, message_id),
        DROP COLUMN change_key,
        DROP COLUMN change`);
  }
}
