import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Instagram's profile lookup (name and picture of an IGSID), once per contact: a row claims
 * the lookup (so concurrent workers make one call), records its outcome, and for a failed one
 * when to try again. The contact id is the key: the person behind one IGSID is one contact
 * per tenant. Owned by the instagram module; the contact itself is written through messaging.
 */
export class CreateInstagramProfileLookups1795388020000 implements MigrationInterface {
  name = 'CreateInstagramProfileLookups1795388020000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE instagram_profile_lookups (
        contact_id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        channel_account_id uuid NOT NULL,
        igsid text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        next_attempt_at timestamptz,
        looked_up_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE INDEX instagram_profile_lookups_due_idx ON instagram_profile_lookups (next_attempt_at)
        WHERE status = 'failed'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE instagram_profile_lookups`);
  }
}
