import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A contact's picture, as a platform's profile lookup gave it (Instagram's profile_pic), with
 * when it was taken: platform picture URLs are signed CDN links that expire, so a reader can
 * tell how old the link is.
 */
export class AddContactAvatar1795388010000 implements MigrationInterface {
  name = 'AddContactAvatar1795388010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE contacts ADD COLUMN avatar_url text`);
    await queryRunner.query(`ALTER TABLE contacts ADD COLUMN avatar_updated_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE contacts DROP COLUMN avatar_updated_at`);
    await queryRunner.query(`ALTER TABLE contacts DROP COLUMN avatar_url`);
  }
}
