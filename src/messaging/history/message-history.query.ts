import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Page, toPage } from '@core/api/pagination';
import { NotFoundError } from '@core/errors/domain-error';
import type { MessageDirection, MessageStatus } from '@app/messaging/entities/message.entity';
import { decodeIdCursor } from '@core/api/pagination';
import type { ReferredProduct } from '@app/messaging/inbound/normalized-event';
import type { MessageListQueryDto } from './history-query.dto';
import type { MessageDetailDto, MessageDto } from './message.view';
import { MessageContentCodec } from '@app/messaging/messages/encryption/message-content.codec';
import { SqlParams } from './sql-params';
import { statusHistory } from './status-history';

interface MessageRow {
  id: string;
  conversationId: string;
  direction: MessageDirection;
  type: string;
  content: Record<string, unknown>;
  status: MessageStatus;
  provider: string;
  providerMessageId: string | null;
  errorCode: string | null;
  errorTitle: string | null;
  replyToProviderMessageId: string | null;
  replyToMessageId: string | null;
  referredProduct: ReferredProduct | null;
  platformTimestamp: Date | null;
  editedAt: Date | null;
  deletedAt: Date | null;
  createdAt: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  failedAt: Date | null;
}

const COLUMNS = `m.id, m.conversation_id AS "conversationId", m.direction, m.type, m.content, m.status,
  m.provider, m.provider_message_id AS "providerMessageId", m.error_code AS "errorCode",
  m.error_title AS "errorTitle", m.reply_to_provider_message_id AS "replyToProviderMessageId",
  m.reply_to_message_id AS "replyToMessageId", m.referred_product AS "referredProduct",
  m.platform_timestamp AS "platformTimestamp", m.edited_at AS "editedAt", m.deleted_at AS "deletedAt",
  m.created_at AS "createdAt", m.sent_at AS "sentAt", m.delivered_at AS "deliveredAt",
  m.read_at AS "readAt", m.failed_at AS "failedAt"`;

export type MessageFilters = Pick<MessageListQueryDto, 'direction' | 'status' | 'type'>;

/**
 * One page of a conversation's history, newest first.
 *
 * Why it stays flat as the table grows: `messages_conversation_id_idx (conversation_id, id)`
 * holds each conversation's messages in id order, and ids are UUIDv7 (creation order). The
 * query walks that index backwards from the cursor (`id < :lastId`) and stops after
 * `limit + 1` entries, so it reads the same few index pages for page 1 or page 1,000 and for
 * a thousand or a hundred million rows; there is no OFFSET to skip over. Messages written
 * while a client pages have larger ids, so they never shift the pages still to be read.
 * The planner keeps choosing that walk because it knows a conversation implies its tenant
 * (statistics messages_conversation_tenant_dependency); without that it underestimates the
 * rows and reads a whole mid-length conversation to sort it.
 */
export function messagePageSql(
  tenantId: string,
  conversationId: string,
  filters: MessageFilters,
  limit: number,
  beforeId?: string,
): { sql: string; params: unknown[] } {
  const p = new SqlParams();
  const where = [
    `m.conversation_id = ${p.add(conversationId)}`,
    `m.tenant_id = ${p.add(tenantId)}`,
  ];
  if (beforeId) where.push(`m.id < ${p.add(beforeId)}::uuid`);
  if (filters.direction) where.push(`m.direction = ${p.add(filters.direction)}`);
  if (filters.status) where.push(`m.status = ${p.add(filters.status)}`);
  if (filters.type) where.push(`m.type = ${p.add(filters.type)}`);
  const sql = `SELECT ${COLUMNS} FROM messages m WHERE ${where.join(' AND ')}
    ORDER BY m.id DESC LIMIT ${p.add(limit + 1)}`;
  return { sql, params: p.values };
}

/** Messages as the frontend reads them; every query is scoped to the calling tenant. */
@Injectable()
export class MessageHistoryQuery {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly codec: MessageContentCodec,
  ) {}

  async page(
    tenantId: string,
    conversationId: string,
    query: MessageListQueryDto,
  ): Promise<Page<MessageDto>> {
    const beforeId = decodeIdCursor(query.cursor);
    const owned: unknown[] = await this.db.query(
      `SELECT 1 FROM conversations WHERE id = $1 AND tenant_id = $2`,
      [conversationId, tenantId],
    );
    if (!owned.length) throw new NotFoundError('Conversation');
    const { sql, params } = messagePageSql(tenantId, conversationId, query, query.limit, beforeId);
    const rows: MessageRow[] = await this.db.query(sql, params);
    return toPage(
      rows,
      query.limit,
      (row) => [row.id],
      (row) => toMessageDto(this.opened(row)),
    );
  }

  async get(tenantId: string, id: string): Promise<MessageDetailDto> {
    const rows: MessageRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM messages m WHERE m.id = $1 AND m.tenant_id = $2`,
      [id, tenantId],
    );
    if (!rows.length) throw new NotFoundError('Message');
    return { ...toMessageDto(this.opened(rows[0])), history: statusHistory(rows[0]) };
  }

  private opened(row: MessageRow): MessageRow {
    return { ...row, content: this.codec.open(row.id, row.content) };
  }
}

function toMessageDto(row: MessageRow): MessageDto {
  return {
    id: row.id,
    conversationId: row.conversationId,
    direction: row.direction,
    type: row.type,
    content: row.content,
    status: row.status,
    provider: row.provider,
    providerMessageId: row.providerMessageId,
    error: row.errorCode ? { code: row.errorCode, title: row.errorTitle ?? '' } : null,
    replyTo: row.replyToProviderMessageId
      ? { messageId: row.replyToMessageId, providerMessageId: row.replyToProviderMessageId }
      : null,
    referredProduct: row.referredProduct,
    platformTimestamp: row.platformTimestamp,
    editedAt: row.editedAt,
    deletedAt: row.deletedAt,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
    deliveredAt: row.deliveredAt,
    readAt: row.readAt,
    failedAt: row.failedAt,
  };
}
