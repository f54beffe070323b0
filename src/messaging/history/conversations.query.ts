import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Page, toPage } from '@core/api/pagination';
import { NotFoundError } from '@core/errors/domain-error';
import type { MessageDirection } from '@app/messaging/entities/message.entity';
import { MessageContentCodec } from '@app/messaging/messages/encryption/message-content.codec';
import { PREVIEW_CHARS, type ConversationDto } from './conversation.view';
import { decodeActivityCursor } from './history-cursor';
import type { ConversationListQueryDto } from './history-query.dto';
import { SqlParams } from './sql-params';

interface ConversationRow {
  id: string;
  status: 'open' | 'closed';
  lastMessageAt: Date;
  lastInboundAt: Date | null;
  activityMicros: string;
  accountId: string;
  accountHub: string;
  accountProvider: string;
  accountName: string;
  contactId: string;
  contactDisplayName: string | null;
  contactPhone: string | null;
  contactAvatarUrl: string | null;
  lastId: string | null;
  lastDirection: MessageDirection | null;
  lastType: string | null;
  lastText: string | null;
  /** The last message's text is sealed (MessageContentCodec): lastText is its sealed form, uncut. */
  lastSealed: boolean | null;
  lastCreatedAt: Date | null;
}

export type ConversationFilters = Pick<
  ConversationListQueryDto,
  'channelAccountId' | 'contactId' | 'status' | 'hub'
>;

/**
 * The conversation list (or one conversation) in one query: account, contact and the last
 * message preview come with each row.
 *
 * Why it stays flat as tables grow: `conversations_tenant_activity_idx (tenant_id,
 * last_message_at DESC, id DESC)` already holds a tenant's conversations in list order, so the
 * list is an index scan from the cursor that stops after `limit + 1` rows (no sort, no
 * OFFSET). The last message's preview and the contact's display fields are copies on the
 * conversation row (kept by triggers, migration 1795405000000): reading them through the
 * messages and contacts indexes cost a descent per row whose depth grows with those tables.
 * Only the account is a primary-key lookup per row, on a table that grows with accounts, not
 * traffic. Filters are applied to the rows the scan yields; a filter that matches few
 * conversations scans further, which is still bounded by the tenant's own conversations.
 */
export function conversationPageSql(
  tenantId: string,
  filters: ConversationFilters & { id?: string },
  limit: number,
  after?: { micros: string; id: string },
): { sql: string; params: unknown[] } {
  const p = new SqlParams();
  const where = [`c.tenant_id = ${p.add(tenantId)}`];
  if (after) {
    // Rebuilt from epoch microseconds so the comparison is exact (see decodeActivityCursor).
    where.push(
      `(c.last_message_at, c.id) < ('epoch'::timestamptz + ${p.add(after.micros)}::bigint * interval '1 microsecond', ${p.add(after.id)}::uuid)`,
    );
  }
  if (filters.id) where.push(`c.id = ${p.add(filters.id)}`);
  if (filters.channelAccountId)
    where.push(`c.channel_account_id = ${p.add(filters.channelAccountId)}`);
  if (filters.contactId) where.push(`c.contact_id = ${p.add(filters.contactId)}`);
  if (filters.status) where.push(`c.status = ${p.add(filters.status)}`);
  if (filters.hub) where.push(`a.hub = ${p.add(filters.hub)}`);
  const sql = `
    SELECT c.id, c.status, c.last_message_at AS "lastMessageAt", c.last_inbound_at AS "lastInboundAt",
           (extract(epoch FROM c.last_message_at) * 1000000)::bigint::text AS "activityMicros",
           a.id AS "accountId", a.hub AS "accountHub", a.provider AS "accountProvider", a.name AS "accountName",
           c.contact_id AS "contactId", c.contact_display_name AS "contactDisplayName",
           c.contact_phone AS "contactPhone", c.contact_avatar_url AS "contactAvatarUrl",
           c.last_message_id AS "lastId", c.last_message_direction AS "lastDirection",
           c.last_message_type AS "lastType", c.last_message_text AS "lastText",
           c.last_message_sealed AS "lastSealed", c.last_message_created_at AS "lastCreatedAt"
    FROM conversations c
    JOIN channel_accounts a ON a.id = c.channel_account_id
    WHERE ${where.join(' AND ')}
    ORDER BY c.last_message_at DESC, c.id DESC
    LIMIT ${p.add(limit + 1)}`;
  return { sql, params: p.values };
}

/** Conversations as the frontend lists them; every query is scoped to the calling tenant. */
@Injectable()
export class ConversationsQuery {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly codec: MessageContentCodec,
  ) {}

  async page(tenantId: string, query: ConversationListQueryDto): Promise<Page<ConversationDto>> {
    const after = decodeActivityCursor(query.cursor);
    const { sql, params } = conversationPageSql(tenantId, query, query.limit, after);
    const rows: ConversationRow[] = await this.db.query(sql, params);
    return toPage(
      rows,
      query.limit,
      (row) => [row.activityMicros, row.id],
      (row) => toConversationDto(row, this.previewOf(row)),
    );
  }

  async get(tenantId: string, id: string): Promise<ConversationDto> {
    const { sql, params } = conversationPageSql(tenantId, { id }, 1);
    const rows: ConversationRow[] = await this.db.query(sql, params);
    if (!rows.length) throw new NotFoundError('Conversation');
    return toConversationDto(rows[0], this.previewOf(rows[0]));
  }

  /** The last message's text as the list shows it, cut to PREVIEW_CHARS code points. */
  private previewOf(row: ConversationRow): string | null {
    if (!row.lastSealed || row.lastText === null || !row.lastId) return row.lastText;
    const text = this.codec.openField(row.lastId, ['text'], row.lastText, true);
    return typeof text === 'string' ? [...text].slice(0, PREVIEW_CHARS).join('') : null;
  }
}

function toConversationDto(row: ConversationRow, lastText: string | null): ConversationDto {
  return {
    id: row.id,
    channelAccount: {
      id: row.accountId,
      hub: row.accountHub,
      provider: row.accountProvider,
      name: row.accountName,
    },
    contact: {
      id: row.contactId,
      displayName: row.contactDisplayName,
      phone: row.contactPhone,
      avatarUrl: row.contactAvatarUrl,
    },
    status: row.status,
    lastMessageAt: row.lastMessageAt,
    lastInboundAt: row.lastInboundAt,
    lastMessage:
      row.lastId && row.lastDirection && row.lastType && row.lastCreatedAt
        ? {
            id: row.lastId,
            direction: row.lastDirection,
            type: row.lastType,
            text: lastText,
            createdAt: row.lastCreatedAt,
          }
        : null,
  };
}
