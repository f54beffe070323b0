import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an outbound send is for (`service`, `marketing`, `reminders`, a tenant's own purpose),
 * fixed when it is accepted so the worker re-checks consent for the same purpose right before
 * the platform is called. Null for inbound messages and for sends accepted before this column.
 */
export class AddMessagePurpose1795382000000 implements MigrationInterface {
  name = 'AddMessagePurpose1795382000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE messages ADD COLUMN purpose text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE messages DROP COLUMN purpose`);
  }
}
