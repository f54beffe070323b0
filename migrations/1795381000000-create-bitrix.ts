import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bitrix24 (src/bitrix/): portals, which channel account feeds which open line, the customer
 * chats on those lines, the mirror's per-message ledger and the agents' replies.
 *
 * - `bitrix_portals`: `client_secret`, `access_token`, `refresh_token` and `application_token`
 *   are SecretBox-sealed (context `bitrix_portals.<column>:<id>`). `token_generation` grows by
 *   one per refresh, so a worker that waited for another's refresh can tell it happened.
 * - `bitrix_chats`: one per (portal, conversation); the conversation id is the connector's
 *   external chat id, so a reply event finds its conversation in one lookup.
 * - `bitrix_mirror_items`: one per (portal, message) mirrored to a line: the unique key makes
 *   the event stream's redelivery add nothing, and `sent_at` keeps a re-run from posting twice.
 * - `bitrix_agent_messages`: one per Bitrix message an agent wrote (unique per portal), linking
 *   it to the Omnihub message it became so statuses can be reported back.
 */
export class CreateBitrix1795381000000 implements MigrationInterface {
  name = 'CreateBitrix1795381000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE bitrix_portals (
        id                 uuid PRIMARY KEY,
        tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        name               text NOT NULL,
        portal_url         text NOT NULL,
        member_id          text,
        client_id          text,
        client_secret      text,
        access_token       text,
        refresh_token      text,
        access_expires_at  timestamptz,
        client_endpoint    text,
        application_token  text,
        token_generation   integer NOT NULL DEFAULT 0,
        status             text NOT NULL DEFAULT 'pending'
                           CHECK (status IN ('pending', 'active', 'needs_reauth')),
        connector_state    text NOT NULL DEFAULT 'none'
                           CHECK (connector_state IN ('none', 'registered', 'failed')),
        last_call_at       timestamptz,
        last_error         text,
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, name)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX bitrix_portals_member_idx ON bitrix_portals (member_id) WHERE member_id IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE bitrix_lines (
        id                  uuid PRIMARY KEY,
        tenant_id           uuid NOT NULL,
        portal_id           uuid NOT NULL REFERENCES bitrix_portals (id) ON DELETE CASCADE,
        channel_account_id  uuid NOT NULL,
        line_id             text NOT NULL,
        active              boolean NOT NULL DEFAULT false,
        created_at          timestamptz NOT NULL DEFAULT now(),
        UNIQUE (portal_id, channel_account_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX bitrix_lines_account_idx ON bitrix_lines (channel_account_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE bitrix_chats (
        id                  uuid PRIMARY KEY,
        tenant_id           uuid NOT NULL,
        portal_id           uuid NOT NULL REFERENCES bitrix_portals (id) ON DELETE CASCADE,
        conversation_id     uuid NOT NULL,
        channel_account_id  uuid NOT NULL,
        contact_id          uuid NOT NULL,
        recipient           text NOT NULL,
        crm_contact_id      bigint,
        bitrix_chat_id      bigint,
        created_at          timestamptz NOT NULL DEFAULT now(),
        UNIQUE (portal_id, conversation_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE bitrix_mirror_items (
        id                 uuid PRIMARY KEY,
        tenant_id          uuid NOT NULL,
        portal_id          uuid NOT NULL REFERENCES bitrix_portals (id) ON DELETE CASCADE,
        line_id            text NOT NULL,
        conversation_id    uuid NOT NULL,
        message_id         uuid NOT NULL,
        sent_at            timestamptz,
        bitrix_message_id  bigint,
        last_error         text,
        created_at         timestamptz NOT NULL DEFAULT now(),
        UNIQUE (portal_id, message_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX bitrix_mirror_items_pending_idx ON bitrix_mirror_items (portal_id, created_at)
        WHERE sent_at IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE bitrix_agent_messages (
        id                 uuid PRIMARY KEY,
        tenant_id          uuid NOT NULL,
        portal_id          uuid NOT NULL REFERENCES bitrix_portals (id) ON DELETE CASCADE,
        bitrix_message_id  text NOT NULL,
        bitrix_chat_id     text NOT NULL,
        line_id            text NOT NULL,
        conversation_id    uuid NOT NULL,
        message_id         uuid,
        outcome            text,
        created_at         timestamptz NOT NULL DEFAULT now(),
        UNIQUE (portal_id, bitrix_message_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX bitrix_agent_messages_message_idx ON bitrix_agent_messages (message_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE bitrix_agent_messages`);
    await queryRunner.query(`DROP TABLE bitrix_mirror_items`);
    await queryRunner.query(`DROP TABLE bitrix_chats`);
    await queryRunner.query(`DROP TABLE bitrix_lines`);
    await queryRunner.query(`DROP TABLE bitrix_portals`);
  }
}
