import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenants' own alert channels (src/alerts/): Slack or Discord webhooks, or a signed HTTPS
 * webhook. `url` and `secret` are sealed by SecretBox (contexts `alert_channels.url:<id>`,
 * `alert_channels.secret:<id>`): a Slack or Discord webhook URL is itself the credential.
 * `url_hint` (scheme and host) is what the API shows. `min_severity` filters what the channel hears.
 */
export class CreateAlertChannels1795385000000 implements MigrationInterface {
  name = 'CreateAlertChannels1795385000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE alert_channels (
        id            uuid PRIMARY KEY,
        tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        kind          text NOT NULL CHECK (kind IN ('slack', 'discord', 'webhook')),
        name          text NOT NULL,
        url           text NOT NULL,
        url_hint      text NOT NULL,
        secret        text,
        min_severity  text NOT NULL DEFAULT 'warning'
                      CHECK (min_severity IN ('info', 'warning', 'critical')),
        active        boolean NOT NULL DEFAULT true,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'webhook') = (secret IS NOT NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX alert_channels_tenant_idx ON alert_channels (tenant_id, id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE alert_channels`);
  }
}
