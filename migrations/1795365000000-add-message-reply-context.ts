import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a message answers, kept beside the provider id already stored: our id of the replied-to
 * message (resolved when the reply is stored, so history pages read a column instead of joining
 * each row back to messages) and the catalog product a customer's enquiry is about.
 * No foreign key: erasing a message must not have to scan for replies to it, and a reply's
 * provider id stays meaningful when our copy is gone.
 */
export class AddMessageReplyContext1795365000000 implements MigrationInterface {
  name = 'AddMessageReplyContext1795365000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE messages ADD COLUMN reply_to_message_id uuid`);
    await queryRunner.query(`ALTER TABLE messages ADD COLUMN referred_product jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE messages DROP COLUMN referred_product`);
    await queryRunner.query(`ALTER TABLE messages DROP COLUMN reply_to_message_id`);
  }
}
