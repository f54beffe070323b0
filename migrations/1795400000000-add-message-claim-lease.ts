import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A send's claim gets a lease: `claimed_by` names the worker that claimed it, `claimed_until`
 * when the claim lapses. Another run that finds a live claim leaves it alone (the send is in
 * flight elsewhere); only a lapsed one is taken for abandoned and held as `unknown`. Claims
 * made before this migration have no lease and count as lapsed.
 */
export class AddMessageClaimLease1795400000000 implements MigrationInterface {
  name = 'AddMessageClaimLease1795400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE messages
        ADD COLUMN claimed_by text,
        ADD COLUMN claimed_until timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE messages DROP COLUMN claimed_until, DROP COLUMN claimed_by`,
    );
  }
}
