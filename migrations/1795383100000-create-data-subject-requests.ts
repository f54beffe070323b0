import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data subject requests and retention policies (src/privacy/).
 *
 * - `data_subject_requests.contact_id` has no foreign key on purpose: an erasure deletes the
 *   contact, and the request (ids only) must outlive it as the tenant's proof of compliance.
 * - `data_subject_receipts`: one per request and contributing module, the primary key making a
 *   retried job's receipts idempotent. Counts and reasons only, no personal data.
 * - `privacy_exports.document` is the export, sealed by SecretBox (context
 *   `privacy_exports.document:<request id>`): it is all of a person's data in one place.
 * - `retention_policies`: a tenant's own retention days; no row, or null, means the default.
 */
export class CreateDataSubjectRequests1795383100000 implements MigrationInterface {
  name = 'CreateDataSubjectRequests1795383100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE data_subject_requests (
        id            uuid PRIMARY KEY,
        tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        type          text NOT NULL CHECK (type IN ('export', 'erasure')),
        contact_id    uuid NOT NULL,
        status        text NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
        due_at        timestamptz NOT NULL,
        error_code    text,
        created_at    timestamptz NOT NULL DEFAULT now(),
        completed_at  timestamptz,
        updated_at    timestamptz NOT NULL DEFAULT now()
      )
    `);
    await queryRunner.query(
      `CREATE INDEX data_subject_requests_tenant_idx ON data_subject_requests (tenant_id, id)`,
    );
    await queryRunner.query(`
      CREATE TABLE data_subject_receipts (
        request_id   uuid NOT NULL REFERENCES data_subject_requests (id) ON DELETE CASCADE,
        contributor  text NOT NULL,
        receipt      jsonb NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (request_id, contributor)
      )
    `);
    await queryRunner.query(`
      CREATE TABLE privacy_exports (
        request_id  uuid PRIMARY KEY REFERENCES data_subject_requests (id) ON DELETE CASCADE,
        document    text NOT NULL,
        expires_at  timestamptz NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )
    `);
    await queryRunner.query(
      `CREATE INDEX privacy_exports_expires_idx ON privacy_exports (expires_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE retention_policies (
        tenant_id      uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
        message_days   integer CHECK (message_days >= 1),
        audit_days     integer CHECK (audit_days >= 1),
        updated_at     timestamptz NOT NULL DEFAULT now()
      )
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE retention_policies`);
    await queryRunner.query(`DROP TABLE privacy_exports`);
    await queryRunner.query(`DROP TABLE data_subject_receipts`);
    await queryRunner.query(`DROP TABLE data_subject_requests`);
  }
}
