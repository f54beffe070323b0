import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alert history (src/alerts/, GET /api/v2/hub/alerts). One row per episode of a condition
 * (type + subject + tenant, hashed into `fingerprint`): raised `firing`, later `resolved`.
 * The partial unique index keeps one firing row per condition whatever the number of pods
 * raising it; `occurrences` counts the raises it absorbed, `notified` whether any channel was
 * told (false when the per-type rate limit held it back). `tenant_id` is NULL for platform-wide
 * alerts. Ids are UUIDv7, so `ORDER BY id DESC` is newest first for keyset pages.
 */
export class CreateAlerts1795385010000 implements MigrationInterface {
  name = 'CreateAlerts1795385010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE alerts (
        id            uuid PRIMARY KEY,
        tenant_id     uuid REFERENCES tenants (id) ON DELETE CASCADE,
        type          text NOT NULL,
        subject       text NOT NULL,
        fingerprint   text NOT NULL,
        severity      text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
        title         text NOT NULL,
        detail        text,
        labels        jsonb NOT NULL DEFAULT '{}',
        status        text NOT NULL DEFAULT 'firing' CHECK (status IN ('firing', 'resolved')),
        occurrences   integer NOT NULL DEFAULT 1,
        notified      boolean NOT NULL DEFAULT false,
        raised_at     timestamptz NOT NULL DEFAULT now(),
        last_seen_at  timestamptz NOT NULL DEFAULT now(),
        resolved_at   timestamptz
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX alerts_one_firing_idx ON alerts (fingerprint) WHERE status = 'firing'`,
    );
    await queryRunner.query(`CREATE INDEX alerts_tenant_idx ON alerts (tenant_id, id DESC)`);
    await queryRunner.query(`CREATE INDEX alerts_type_idx ON alerts (type, id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE alerts`);
  }
}
