import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed mirror items back off and end as dead letters: `attempts` counts the times Bitrix24
 * refused an item, `retry_at` holds it back until its next try; an unsent item whose attempts
 * reached BITRIX_MIRROR_MAX_ATTEMPTS is a dead letter until an operator re-drives it.
 */
export class AddBitrixMirrorAttempts1795392010000 implements MigrationInterface {
  name = 'AddBitrixMirrorAttempts1795392010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE bitrix_mirror_items
        ADD COLUMN attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN retry_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE bitrix_mirror_items DROP COLUMN retry_at, DROP COLUMN attempts`,
    );
  }
}
