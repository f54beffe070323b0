import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTenantsAndApiKeys1795360000000 implements MigrationInterface {
  name = 'CreateTenantsAndApiKeys1795360000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenants (
        id          uuid PRIMARY KEY,
        name        text NOT NULL,
        slug        text NOT NULL,
        status      text NOT NULL DEFAULT 'active',
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tenants_slug_key UNIQUE (slug),
        CONSTRAINT tenants_status_check CHECK (status IN ('active', 'suspended'))
      )`);
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id            uuid PRIMARY KEY,
        tenant_id     uuid NOT NULL,
        name          text NOT NULL,
        prefix        text NOT NULL,
        key_hash      bytea NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        last_used_at  timestamptz,
        revoked_at    timestamptz,
        CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash),
        CONSTRAINT api_keys_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
      )`);
    // Listing a tenant's keys is keyset-paginated by id.
    await queryRunner.query(`CREATE INDEX api_keys_tenant_id_idx ON api_keys (tenant_id, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE api_keys`);
    await queryRunner.query(`DROP TABLE tenants`);
  }
}
