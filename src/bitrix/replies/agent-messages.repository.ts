import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';

export interface AgentMessage {
  portalId: string;
  tenantId: string;
  bitrixMessageId: string;
  bitrixChatId: string;
  lineId: string;
  conversationId: string;
  messageId: string | null;
  outcome: string | null;
}

const COLUMNS = `portal_id AS "portalId", tenant_id AS "tenantId",
  bitrix_message_id AS "bitrixMessageId", bitrix_chat_id AS "bitrixChatId", line_id AS "lineId",
  conversation_id AS "conversationId", message_id AS "messageId", outcome`;

/** bitrix_agent_messages: each agent message once, and the Omnihub message it became. */
@Injectable()
export class AgentMessagesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The row for this Bitrix message, created on first sight. */
  async claim(row: Omit<AgentMessage, 'messageId' | 'outcome'>): Promise<AgentMessage> {
    await this.db.query(
      `INSERT INTO bitrix_agent_messages (id, tenant_id, portal_id, bitrix_message_id, bitrix_chat_id, line_id, conversation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (portal_id, bitrix_message_id) DO NOTHING`,
      [
        newId(),
        row.tenantId,
        row.portalId,
        row.bitrixMessageId,
        row.bitrixChatId,
        row.lineId,
        row.conversationId,
      ],
    );
    const rows: AgentMessage[] = await this.db.query(
      `SELECT ${COLUMNS} FROM bitrix_agent_messages WHERE portal_id = $1 AND bitrix_message_id = $2`,
      [row.portalId, row.bitrixMessageId],
    );
    return rows[0];
  }

  /** The Omnihub message whose statuses the agent's message shows, as soon as it exists. */
  async link(portalId: string, bitrixMessageId: string, messageId: string): Promise<void> {
    await this.db.query(
      `UPDATE bitrix_agent_messages SET message_id = $3
        WHERE portal_id = $1 AND bitrix_message_id = $2 AND message_id IS NULL`,
      [portalId, bitrixMessageId, messageId],
    );
  }

  async settle(
    portalId: string,
    bitrixMessageId: string,
    messageId: string | null,
    outcome: string,
  ) {
    await this.db.query(
      `UPDATE bitrix_agent_messages SET message_id = coalesce($3, message_id), outcome = $4
        WHERE portal_id = $1 AND bitrix_message_id = $2`,
      [portalId, bitrixMessageId, messageId, outcome],
    );
  }

  async byMessage(tenantId: string, messageId: string): Promise<AgentMessage | null> {
    const rows: AgentMessage[] = await this.db.query(
      `SELECT ${COLUMNS} FROM bitrix_agent_messages WHERE message_id = $1 AND tenant_id = $2`,
      [messageId, tenantId],
    );
    return rows[0] ?? null;
  }
}
