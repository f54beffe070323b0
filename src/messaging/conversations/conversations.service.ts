import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { touchConversationSql } from './touch-conversation.sql';

/** Conversations are created by their first message and kept current by every later one. */
@Injectable()
export class ConversationsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The conversation of this contact on this account, created if needed, with its activity
   * moved forward (never back: late webhooks must not rewind it). An inbound message also
   * moves `last_inbound_at`, which opens WhatsApp's 24-hour customer-service window.
   * A conversation created here is `conversation.opened`, recorded by the same statement.
   */
  async touch(
    tenantId: string,
    channelAccountId: string,
    contactId: string,
    at: Date,
    direction: 'inbound' | 'outbound',
  ): Promise<string> {
    const rows: { id: string }[] = await this.db.query(
      `WITH ${touchConversationSql({ id: '$1', tenantId: '$2', accountId: '$3', contactId: '$4', at: '$5', inboundAt: '$6::timestamptz' })}
       SELECT id FROM touched`,
      [newId(), tenantId, channelAccountId, contactId, at, direction === 'inbound' ? at : null],
    );
    return rows[0].id;
  }

  /** The contact of the tenant's conversation, or null when the tenant has no such one. */
  async contactOf(tenantId: string, conversationId: string): Promise<string | null> {
    const rows: { contact_id: string }[] = await this.db.query(
      `SELECT contact_id FROM conversations WHERE id = $1 AND tenant_id = $2`,
      [conversationId, tenantId],
    );
    return rows[0]?.contact_id ?? null;
  }

  /** The account and contact of the tenant's conversation, or null when it has none such. */
  async partiesOf(
    tenantId: string,
    conversationId: string,
  ): Promise<{ channelAccountId: string; contactId: string } | null> {
    const rows: { channelAccountId: string; contactId: string }[] = await this.db.query(
      `SELECT channel_account_id AS "channelAccountId", contact_id AS "contactId"
         FROM conversations WHERE id = $1 AND tenant_id = $2`,
      [conversationId, tenantId],
    );
    return rows[0] ?? null;
  }

  /** When the contact last wrote on this account, or null if never. */
  async lastInboundAt(channelAccountId: string, contactId: string): Promise<Date | null> {
    const rows: { last_inbound_at: Date | null }[] = await this.db.query(
      `SELECT last_inbound_at FROM conversations WHERE channel_account_id = $1 AND contact_id = $2`,
      [channelAccountId, contactId],
    );
    return rows[0]?.last_inbound_at ?? null;
  }

  /**
   * How many messages went (or are queued to go) to the contact on this account after `since`,
   * failed ones left out: platforms that cap the replies to one message of a person (TikTok)
   * count them. Replies typed in the platform's own app count too (stored as outbound echoes).
   */
  async outboundSince(channelAccountId: string, contactId: string, since: Date): Promise<number> {
    const rows: { count: string }[] = await this.db.query(
      `SELECT count(*) AS count FROM messages m
         JOIN conversations c ON c.id = m.conversation_id
        WHERE c.channel_account_id = $1 AND c.contact_id = $2
          AND m.direction = 'outbound' AND m.status <> 'failed' AND m.created_at > $3`,
      [channelAccountId, contactId, since],
    );
    return Number(rows[0]?.count ?? 0);
  }
}
