import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** How far back a read receipt reaches: further than TikTok's 48-hour window ever lets us send. */
const READ_RECEIPT_REACH = '7 days';

/**
 * TikTok's own tables (migration 1795386000000): the conversation id each person has with an
 * account, and our messages in it, for read receipts.
 */
@Injectable()
export class TikTokConversationsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Records the person's conversation id with the account (the newest wins). */
  async remember(accountId: string, userId: string, conversationId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO tiktok_conversations (channel_account_id, user_id, conversation_id)
       VALUES ($1, $2, $3)
       ON CONFLICT (channel_account_id, user_id)
       DO UPDATE SET conversation_id = EXCLUDED.conversation_id, updated_at = now()
       WHERE tiktok_conversations.conversation_id <> EXCLUDED.conversation_id`,
      [accountId, userId, conversationId],
    );
  }

  async conversationOf(accountId: string, userId: string): Promise<string | null> {
    const rows: { conversation_id: string }[] = await this.db.query(
      `SELECT conversation_id FROM tiktok_conversations WHERE channel_account_id = $1 AND user_id = $2`,
      [accountId, userId],
    );
    return rows[0]?.conversation_id ?? null;
  }

  /** One of our messages in a conversation (a send, or a reply typed in TikTok's app). */
  async recordSent(
    accountId: string,
    conversationId: string,
    providerMessageId: string,
    sentAt: Date,
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO tiktok_sent_messages (channel_account_id, conversation_id, provider_message_id, sent_at)
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [accountId, conversationId, providerMessageId, sentAt],
    );
  }

  /**
   * Our messages a "read up to `readUpTo`" receipt covers. Read again on every delivery of the
   * receipt (statuses only move forward), so a retried receipt loses nothing.
   */
  async sentUpTo(accountId: string, conversationId: string, readUpTo: Date): Promise<string[]> {
    const rows: { provider_message_id: string }[] = await this.db.query(
      `SELECT provider_message_id FROM tiktok_sent_messages
        WHERE channel_account_id = $1 AND conversation_id = $2
          AND sent_at <= $3 AND sent_at > $3::timestamptz - interval '${READ_RECEIPT_REACH}'
        ORDER BY sent_at`,
      [accountId, conversationId, readUpTo],
    );
    return rows.map((row) => row.provider_message_id);
  }
}
