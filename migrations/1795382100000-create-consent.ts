import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The consent ledger (src/consent/).
 *
 * - `consent_events` is the history: one row per decision, never changed (a trigger refuses
 *   UPDATE). Rows go only with their contact (erasure deletes the contact, and the cascade
 *   its consent). `purpose` and `channel` are `*` for "every purpose" / "every channel".
 *   `idempotency_key` makes a decision recorded twice (a keyword message redelivered, an
 *   import retried) one row.
 * - `consent_state` is the current decision per (contact, purpose, channel): the latest by
 *   `occurred_at`, kept in the same statement as the history row, so the send gate reads at
 *   most four rows instead of the history.
 * - `consent_policies` holds each tenant's defaults and keywords; no row means the defaults.
 */
export class CreateConsent1795382100000 implements MigrationInterface {
  name = 'CreateConsent1795382100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE consent_events (
        id               uuid PRIMARY KEY,
        tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        contact_id       uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        purpose          text NOT NULL,
        channel          text NOT NULL,
        state            text NOT NULL CHECK (state IN ('granted', 'withdrawn', 'restored')),
        source           text NOT NULL CHECK (source IN ('api', 'keyword', 'bitrix24', 'import')),
        evidence         jsonb NOT NULL DEFAULT '{}',
        actor            text NOT NULL,
        occurred_at      timestamptz NOT NULL,
        recorded_at      timestamptz NOT NULL DEFAULT now(),
        idempotency_key  text
      )`);
    await queryRunner.query(
      `CREATE INDEX consent_events_contact_idx ON consent_events (tenant_id, contact_id, id)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX consent_events_idempotency_idx ON consent_events (tenant_id, idempotency_key)
       WHERE idempotency_key IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'consent_events is append-only: record a new decision instead';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
      FOR EACH ROW EXECUTE FUNCTION consent_events_append_only()`);
    await queryRunner.query(`
      CREATE TABLE consent_state (
        tenant_id    uuid NOT NULL,
        contact_id   uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        purpose      text NOT NULL,
        channel      text NOT NULL,
        state        text NOT NULL,
        source       text NOT NULL,
        event_id     uuid NOT NULL,
        occurred_at  timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, contact_id, purpose, channel)
      )`);
    await queryRunner.query(`
      CREATE TABLE consent_policies (
        tenant_id   uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
        policy      jsonb NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE consent_policies`);
    await queryRunner.query(`DROP TABLE consent_state`);
    await queryRunner.query(`DROP TABLE consent_events`);
    await queryRunner.query(`DROP FUNCTION consent_events_append_only()`);
  }
}
