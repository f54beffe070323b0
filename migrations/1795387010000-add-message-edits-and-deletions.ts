import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the sender last edited a message (its content then holds the new text) and when they
 * deleted ("unsent") it (its content is then removed). Both by the platform's clock; the
 * edit time also orders edits, so a redelivered or late older edit never overwrites a newer one.
 */
export class AddMessageEditsAndDeletions1795387010000 implements MigrationInterface {
  name = 'AddMessageEditsAndDeletions1795387010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE messages ADD COLUMN edited_at timestamptz`);
    await queryRunner.query(`ALTER TABLE messages ADD COLUMN deleted_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE messages DROP COLUMN deleted_at`);
    await queryRunner.query(`ALTER TABLE messages DROP COLUMN edited_at`);
  }
}
