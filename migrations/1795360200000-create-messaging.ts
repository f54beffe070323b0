import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The channel-agnostic messaging core: channel accounts, contacts and their identities,
 * conversations and messages. Every row carries tenant_id; every index serves a hot query
 * (named beside it).
 */
export class CreateMessaging1795360200000 implements MigrationInterface {
  name = 'CreateMessaging1795360200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE channel_accounts (
        id            uuid PRIMARY KEY,
        tenant_id     uuid NOT NULL,
        hub           text NOT NULL,
        provider      text NOT NULL,
        name          text NOT NULL,
        external_id   text NOT NULL,
        credentials   text NOT NULL,
        status        text NOT NULL DEFAULT 'active',
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT channel_accounts_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
        CONSTRAINT channel_accounts_status_check CHECK (status IN ('active', 'needs_reauth', 'disconnected', 'disabled')),
        -- webhooks name the platform account only: it must point at exactly one of ours
        CONSTRAINT channel_accounts_external_key UNIQUE (hub, provider, external_id),
        -- the frontend addresses accounts by a tenant-chosen name ("instanceId")
        CONSTRAINT channel_accounts_tenant_name_key UNIQUE (tenant_id, name)
      )`);

    await queryRunner.query(`
      CREATE TABLE contacts (
        id            uuid PRIMARY KEY,
        tenant_id     uuid NOT NULL,
        display_name  text,
        phone         text,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT contacts_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
      )`);
    // contact lists, keyset by id
    await queryRunner.query(`CREATE INDEX contacts_tenant_id_idx ON contacts (tenant_id, id)`);

    await queryRunner.query(`
      CREATE TABLE contact_identities (
        id            uuid PRIMARY KEY,
        tenant_id     uuid NOT NULL,
        contact_id    uuid NOT NULL,
        type          text NOT NULL,
        value         text NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT contact_identities_contact_id_fkey FOREIGN KEY (contact_id) REFERENCES contacts (id) ON DELETE CASCADE,
        -- one person is one contact per tenant: an identity belongs to one contact
        CONSTRAINT contact_identities_tenant_type_value_key UNIQUE (tenant_id, type, value)
      )`);
    await queryRunner.query(
      `CREATE INDEX contact_identities_contact_id_idx ON contact_identities (contact_id)`,
    );

    await queryRunner.query(`
      CREATE TABLE conversations (
        id                  uuid PRIMARY KEY,
        tenant_id           uuid NOT NULL,
        channel_account_id  uuid NOT NULL,
        contact_id          uuid NOT NULL,
        status              text NOT NULL DEFAULT 'open',
        last_message_at     timestamptz NOT NULL,
        last_inbound_at     timestamptz,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT conversations_channel_account_id_fkey FOREIGN KEY (channel_account_id) REFERENCES channel_accounts (id) ON DELETE CASCADE,
        CONSTRAINT conversations_contact_id_fkey FOREIGN KEY (contact_id) REFERENCES contacts (id) ON DELETE CASCADE,
        CONSTRAINT conversations_status_check CHECK (status IN ('open', 'closed')),
        CONSTRAINT conversations_account_contact_key UNIQUE (channel_account_id, contact_id)
      )`);
    // the conversation list: newest activity first, keyset on (last_message_at, id)
    await queryRunner.query(
      `CREATE INDEX conversations_tenant_activity_idx ON conversations (tenant_id, last_message_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX conversations_contact_id_idx ON conversations (contact_id)`,
    );

    await queryRunner.query(`
      CREATE TABLE messages (
        id                              uuid PRIMARY KEY,
        tenant_id                       uuid NOT NULL,
        conversation_id                 uuid NOT NULL,
        channel_account_id              uuid NOT NULL,
        direction                       text NOT NULL,
        type                            text NOT NULL,
        content                         jsonb NOT NULL,
        status                          text NOT NULL,
        provider                        text NOT NULL,
        provider_message_id             text,
        reply_to_provider_message_id    text,
        idempotency_key                 text,
        error_code                      text,
        error_title                     text,
        platform_timestamp              timestamptz,
        created_at                      timestamptz NOT NULL DEFAULT now(),
        enqueued_at                     timestamptz,
        sent_at                         timestamptz,
        delivered_at                    timestamptz,
        read_at                         timestamptz,
        failed_at                       timestamptz,
        updated_at                      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT messages_conversation_id_fkey FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE,
        CONSTRAINT messages_direction_check CHECK (direction IN ('inbound', 'outbound')),
        CONSTRAINT messages_status_check CHECK (status IN ('received', 'queued', 'sent', 'delivered', 'read', 'failed')),
        -- a platform's delivery (or redelivery) of one message is stored once
        CONSTRAINT messages_account_provider_message_key UNIQUE (channel_account_id, provider_message_id)
      )`);
    // conversation history, newest first, keyset on id (UUIDv7 = creation order)
    await queryRunner.query(
      `CREATE INDEX messages_conversation_id_idx ON messages (conversation_id, id)`,
    );
    // Idempotency-Key of POST /messages, per tenant
    await queryRunner.query(
      `CREATE UNIQUE INDEX messages_tenant_idempotency_key ON messages (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
    // the outbox sweeper: queued sends that never reached the queue
    await queryRunner.query(
      `CREATE INDEX messages_unenqueued_idx ON messages (created_at) WHERE status = 'queued' AND enqueued_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE messages`);
    await queryRunner.query(`DROP TABLE conversations`);
    await queryRunner.query(`DROP TABLE contact_identities`);
    await queryRunner.query(`DROP TABLE contacts`);
    await queryRunner.query(`DROP TABLE channel_accounts`);
  }
}
