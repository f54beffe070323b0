import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A tenant's own switches on a channel account, kept apart from `status` (which the platform
 * drives: active, needs_reauth, disconnected): `disabled_at` pauses it (no sends, never a
 * fallback; inbound still stored), `deleted_at` retires it (hidden, unroutable, history kept).
 * `display_name` is a label for people; `name` stays the stable handle integrations use.
 *
 * A deleted account keeps its row for its conversations, so its platform id and name must not
 * block connecting the same account again: the two unique keys only hold among live rows.
 */
export class AddChannelAccountLifecycle1795387000000 implements MigrationInterface {
  name = 'AddChannelAccountLifecycle1795387000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE channel_accounts ADD COLUMN display_name text`);
    await queryRunner.query(`ALTER TABLE channel_accounts ADD COLUMN disabled_at timestamptz`);
    await queryRunner.query(`ALTER TABLE channel_accounts ADD COLUMN deleted_at timestamptz`);
    await queryRunner.query(
      `ALTER TABLE channel_accounts DROP CONSTRAINT channel_accounts_external_key`,
    );
    await queryRunner.query(
      `ALTER TABLE channel_accounts DROP CONSTRAINT channel_accounts_tenant_name_key`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX channel_accounts_external_key
         ON channel_accounts (hub, provider, external_id) WHERE deleted_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX channel_accounts_tenant_name_key
         ON channel_accounts (tenant_id, name) WHERE deleted_at IS NULL`,
    );
  }

  /** Deleted rows that a live one replaced cannot satisfy the old keys: they go first. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX channel_accounts_tenant_name_key`);
    await queryRunner.query(`DROP INDEX channel_accounts_external_key`);
    await queryRunner.query(
      `DELETE FROM channel_accounts d WHERE d.deleted_at IS NOT NULL AND EXISTS (
         SELECT 1 FROM channel_accounts l WHERE l.id <> d.id AND (
           (l.hub, l.provider, l.external_id) = (d.hub, d.provider, d.external_id)
           OR (l.tenant_id, l.name) = (d.tenant_id, d.name)))`,
    );
    await queryRunner.query(
      `ALTER TABLE channel_accounts ADD CONSTRAINT channel_accounts_tenant_name_key UNIQUE (tenant_id, name)`,
    );
    await queryRunner.query(
      `ALTER TABLE channel_accounts ADD CONSTRAINT channel_accounts_external_key UNIQUE (hub, provider, external_id)`,
    );
    await queryRunner.query(`ALTER TABLE channel_accounts DROP COLUMN deleted_at`);
    await queryRunner.query(`ALTER TABLE channel_accounts DROP COLUMN disabled_at`);
    await queryRunner.query(`ALTER TABLE channel_accounts DROP COLUMN display_name`);
  }
}
