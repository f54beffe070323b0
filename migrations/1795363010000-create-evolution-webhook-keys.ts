import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What proves an Evolution webhook delivery, per channel account: the secret Omnihub registers
 * as a webhook header (sealed by SecretBox, context `evolution_webhook_keys.secret:<account
 * id>`, for re-registering it), and SHA-256 digests of that secret and of the instance key, so
 * intake checks a delivery without opening any credential. `registered_at` is NULL until
 * Evolution has accepted the webhook settings carrying the secret: the registration task's work.
 */
export class CreateEvolutionWebhookKeys1795363010000 implements MigrationInterface {
  name = 'CreateEvolutionWebhookKeys1795363010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE evolution_webhook_keys (
        account_id           uuid PRIMARY KEY
                             REFERENCES channel_accounts (id) ON DELETE CASCADE,
        tenant_id            uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        secret               text NOT NULL,
        secret_digest        bytea NOT NULL,
        instance_key_digest  bytea,
        registered_at        timestamptz,
        updated_at           timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX evolution_webhook_keys_unregistered_idx ON evolution_webhook_keys (account_id)
        WHERE registered_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE evolution_webhook_keys`);
  }
}
