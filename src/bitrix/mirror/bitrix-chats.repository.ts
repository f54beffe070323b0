import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';

/** A customer's chat on a portal's open line: the conversation is the connector's chat id. */
export interface BitrixChat {
  id: string;
  tenantId: string;
  portalId: string;
  conversationId: string;
  channelAccountId: string;
  contactId: string;
  /** The customer's address on the channel: where agents' replies go. */
  recipient: string;
  crmContactId: string | null;
  bitrixChatId: string | null;
}

const COLUMNS = `id, tenant_id AS "tenantId", portal_id AS "portalId",
  conversation_id AS "conversationId", channel_account_id AS "channelAccountId",
  contact_id AS "contactId", recipient, crm_contact_id::text AS "crmContactId",
  bitrix_chat_id::text AS "bitrixChatId"`;

/** bitrix_chats: customer identity ↔ Bitrix chat, per portal, found in one lookup either way. */
@Injectable()
export class BitrixChatsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async ensure(chat: Omit<BitrixChat, 'id' | 'crmContactId' | 'bitrixChatId'>): Promise<void> {
    await this.db.query(
      `INSERT INTO bitrix_chats (id, tenant_id, portal_id, conversation_id, channel_account_id, contact_id, recipient)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (portal_id, conversation_id) DO NOTHING`,
      [
        newId(),
        chat.tenantId,
        chat.portalId,
        chat.conversationId,
        chat.channelAccountId,
        chat.contactId,
        chat.recipient,
      ],
    );
  }

  async find(portalId: string, conversationId: string): Promise<BitrixChat | null> {
    const rows: BitrixChat[] = await this.db.query(
      `SELECT ${COLUMNS} FROM bitrix_chats WHERE portal_id = $1 AND conversation_id = $2`,
      [portalId, conversationId],
    );
    return rows[0] ?? null;
  }

  byConversations(portalId: string, conversationIds: readonly string[]): Promise<BitrixChat[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM bitrix_chats WHERE portal_id = $1 AND conversation_id = ANY($2)`,
      [portalId, conversationIds],
    );
  }

  async setCrmContact(id: string, crmContactId: string): Promise<void> {
    await this.db.query(`UPDATE bitrix_chats SET crm_contact_id = $2 WHERE id = $1`, [
      id,
      crmContactId,
    ]);
  }

  async setBitrixChat(id: string, bitrixChatId: string): Promise<void> {
    await this.db.query(
      `UPDATE bitrix_chats SET bitrix_chat_id = $2 WHERE id = $1 AND bitrix_chat_id IS DISTINCT FROM $2`,
      [id, bitrixChatId],
    );
  }
}
