import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * TikTok's own bookkeeping (src/tiktok/), beside messaging's tables:
 * - `tiktok_conversations`: TikTok addresses a reply to its `conversation_id`, not to the
 *   person, so the id each person's conversation with an account has is kept here, learnt from
 *   their webhooks (one conversation per person and business account).
 * - `tiktok_sent_messages`: our messages in each TikTok conversation (sends and replies typed in
 *   TikTok's app), so a read receipt, which names only a time ("read up to"), can be turned into
 *   a read status for each message it covers.
 */
export class CreateTiktokConversations1795386000000 implements MigrationInterface {
  name = 'CreateTiktokConversations1795386000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tiktok_conversations (
        channel_account_id  uuid NOT NULL REFERENCES channel_accounts (id) ON DELETE CASCADE,
        user_id             text NOT NULL,
        conversation_id     text NOT NULL,
        updated_at          timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (channel_account_id, user_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE tiktok_sent_messages (
        channel_account_id   uuid NOT NULL REFERENCES channel_accounts (id) ON DELETE CASCADE,
        conversation_id      text NOT NULL,
        provider_message_id  text NOT NULL,
        sent_at              timestamptz NOT NULL,
        PRIMARY KEY (channel_account_id, provider_message_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX tiktok_sent_messages_conversation_idx
         ON tiktok_sent_messages (channel_account_id, conversation_id, sent_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE tiktok_sent_messages`);
    await queryRunner.query(`DROP TABLE tiktok_conversations`);
  }
}
