import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenants' own webhook subscriptions and their deliveries (src/webhooks/).
 *
 * - `tenant_webhooks.secret` is the signing secret sealed by SecretBox (context
 *   `tenant_webhooks.secret:<id>`); `consecutive_failures` counts deliveries given up in a row,
 *   and reaching WEBHOOKS_DISABLE_AFTER_FAILURES sets `active` false with `disabled_reason`.
 * - One delivery per (subscription, event): the unique key makes the fan-out idempotent under
 *   the event stream's at-least-once. `payload` is the body's data, kept so retries and
 *   redeliveries send the same body. `next_attempt_at` is when the job should run next, which
 *   lets the sweeper find pending rows whose job Redis lost; `retry_until` ends the retries.
 */
export class CreateTenantWebhooks1795374000000 implements MigrationInterface {
  name = 'CreateTenantWebhooks1795374000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenant_webhooks (
        id                    uuid PRIMARY KEY,
        tenant_id             uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        url                   text NOT NULL,
        event_types           text[] NOT NULL,
        channel_account_ids   uuid[],
        active                boolean NOT NULL DEFAULT true,
        secret                text NOT NULL,
        consecutive_failures  integer NOT NULL DEFAULT 0,
        disabled_reason       text,
        created_at            timestamptz NOT NULL DEFAULT now(),
        updated_at            timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX tenant_webhooks_tenant_idx ON tenant_webhooks (tenant_id, id)`,
    );
    await queryRunner.query(`
      CREATE TABLE tenant_webhook_deliveries (
        id                uuid PRIMARY KEY,
        webhook_id        uuid NOT NULL REFERENCES tenant_webhooks (id) ON DELETE CASCADE,
        tenant_id         uuid NOT NULL,
        event_id          uuid NOT NULL,
        event_type        text NOT NULL,
        occurred_at       timestamptz NOT NULL,
        payload           jsonb NOT NULL,
        status            text NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'succeeded', 'failed')),
        attempts          integer NOT NULL DEFAULT 0,
        last_status_code  integer,
        last_error        text,
        last_attempt_at   timestamptz,
        next_attempt_at   timestamptz NOT NULL DEFAULT now(),
        retry_until       timestamptz NOT NULL,
        created_at        timestamptz NOT NULL DEFAULT now(),
        UNIQUE (webhook_id, event_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX tenant_webhook_deliveries_page_idx ON tenant_webhook_deliveries (webhook_id, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX tenant_webhook_deliveries_pending_idx ON tenant_webhook_deliveries (next_attempt_at)
        WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX tenant_webhook_deliveries_finished_idx ON tenant_webhook_deliveries (created_at)
        WHERE status <> 'pending'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE tenant_webhook_deliveries`);
    await queryRunner.query(`DROP TABLE tenant_webhooks`);
  }
}
