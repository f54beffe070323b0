import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tamper-evident audit log (src/audit/).
 *
 * - Rows form one hash chain per `chain` (a tenant's id, or `platform` for actions on no
 *   tenant): `seq` counts 1, 2, 3... and `hash` covers the row and `prev_hash`, the hash of the
 *   row before it. `audit_chain_heads` holds each chain's last seq and hash; appending locks that
 *   row, so concurrent appends to one chain queue up instead of forking it.
 * - A trigger refuses UPDATE, TRUNCATE and DELETE. The only way out is `audit_prune()`, which
 *   deletes a prefix of a chain already covered by its `audit_checkpoints` row (the signed hash
 *   of the last row removed, so the rest of the chain still verifies); it raises a transaction-
 *   local flag the trigger honours, so an ordinary DELETE is refused even for covered rows.
 * - Rows hold ids and codes only, never personal data, so they survive a contact's erasure.
 */
export class CreateAuditLog1795383000000 implements MigrationInterface {
  name = 'CreateAuditLog1795383000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_log (
        id             uuid PRIMARY KEY,
        chain          text NOT NULL,
        seq            bigint NOT NULL,
        tenant_id      uuid,
        occurred_at    timestamptz NOT NULL,
        actor_kind     text NOT NULL,
        actor_id       text,
        action         text NOT NULL,
        resource_type  text NOT NULL,
        resource_id    text,
        request_id     text,
        prev_hash      text NOT NULL,
        hash           text NOT NULL,
        CONSTRAINT audit_log_chain_seq_key UNIQUE (chain, seq),
        CONSTRAINT audit_log_actor_kind_check
          CHECK (actor_kind IN ('api_key', 'jwt', 'admin', 'platform', 'system'))
      )
    `);
    await queryRunner.query(`CREATE INDEX audit_log_tenant_idx ON audit_log (tenant_id, id)`);
    await queryRunner.query(`CREATE INDEX audit_log_time_idx ON audit_log (chain, occurred_at)`);
    await queryRunner.query(`
      CREATE TABLE audit_chain_heads (
        chain  text PRIMARY KEY,
        seq    bigint NOT NULL,
        hash   text NOT NULL
      )
    `);
    await queryRunner.query(`
      CREATE TABLE audit_checkpoints (
        chain         text PRIMARY KEY,
        through_seq   bigint NOT NULL,
        through_hash  text NOT NULL,
        key_id        text NOT NULL,
        signature     text NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now()
      )
    `);
    await queryRunner.query(`
      CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('omnihub.audit_prune', true) = 'on' THEN
          IF EXISTS (SELECT 1 FROM audit_checkpoints c
                      WHERE c.chain = OLD.chain AND c.through_seq >= OLD.seq) THEN
            RETURN OLD;
          END IF;
        END IF;
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$
    `);
    await queryRunner.query(
      `CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION audit_log_guard()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard()`,
    );
    await queryRunner.query(`
      CREATE FUNCTION audit_prune(p_chain text, p_limit integer) RETURNS integer
      LANGUAGE plpgsql AS $$
      DECLARE removed integer;
      BEGIN
        PERFORM set_config('omnihub.audit_prune', 'on', true);
        DELETE FROM audit_log WHERE id IN (
          SELECT l.id FROM audit_log l JOIN audit_checkpoints c ON c.chain = l.chain
           WHERE l.chain = p_chain AND l.seq <= c.through_seq
           ORDER BY l.seq LIMIT p_limit);
        GET DIAGNOSTICS removed = ROW_COUNT;
        PERFORM set_config('omnihub.audit_prune', 'off', true);
        RETURN removed;
      END $$
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION audit_prune(text, integer)`);
    await queryRunner.query(`DROP TABLE audit_log`);
    await queryRunner.query(`DROP FUNCTION audit_log_guard()`);
    await queryRunner.query(`DROP TABLE audit_checkpoints`);
    await queryRunner.query(`DROP TABLE audit_chain_heads`);
  }
}
