import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';

/** What an item posts: the customer's message, their edit of it, or its deletion. */
export type MirrorChange = 'send' | 'edit' | 'delete';

export interface MirrorItem {
  id: string;
  change: MirrorChange;
  tenantId: string;
  portalId: string;
  lineId: string;
  conversationId: string;
  messageId: string;
}

/**
 * bitrix_mirror_items: what each portal must show of its customers' messages, one row per
 * (portal, message, change): the message itself, each edit (keyed by its event) and the
 * deletion. Added once however often the event is redelivered; marked sent once Bitrix24 took
 * it, so a re-run of the mirror posts nothing twice.
 */
@Injectable()
export class MirrorItemsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** `changeKey` tells repeated changes apart: 'send', 'delete', 'edit:<event id>'. */
  async add(item: Omit<MirrorItem, 'id'> & { changeKey: string }): Promise<void> {
    await this.db.query(
      `INSERT INTO bitrix_mirror_items
         (id, tenant_id, portal_id, line_id, conversation_id, message_id, change, change_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (portal_id, message_id, change_key) DO NOTHING`,
      [
        newId(),
        item.tenantId,
        item.portalId,
        item.lineId,
        item.conversationId,
        item.messageId,
        item.change,
        item.changeKey,
      ],
    );
  }

  /** Where the tenant's message was mirrored to (its 'send' rows), to follow it with changes. */
  mirroredTo(tenantId: string, messageId: string): Promise<Omit<MirrorItem, 'id' | 'change'>[]> {
    return this.db.query(
      `SELECT tenant_id AS "tenantId", portal_id AS "portalId", line_id AS "lineId",
              conversation_id AS "conversationId", message_id AS "messageId"
         FROM bitrix_mirror_items
        WHERE tenant_id = $1 AND message_id = $2 AND change = 'send'`,
      [tenantId, messageId],
    );
  }

  /** The oldest unsent items of the portal (the caller holds the portal's flush lock). */
  pending(portalId: string, limit: number): Promise<MirrorItem[]> {
    return this.db.query(
      `SELECT id, change, tenant_id AS "tenantId", portal_id AS "portalId", line_id AS "lineId",
              conversation_id AS "conversationId", message_id AS "messageId"
         FROM bitrix_mirror_items WHERE portal_id = $1 AND sent_at IS NULL
        ORDER BY created_at, id LIMIT $2`,
      [portalId, limit],
    );
  }

  async markSent(sent: { id: string; bitrixMessageId: string | null }[]): Promise<void> {
    if (!sent.length) return;
    await this.db.query(
      `UPDATE bitrix_mirror_items i SET sent_at = now(), bitrix_message_id = s.bitrix_id::bigint,
              last_error = NULL
         FROM unnest($1::uuid[], $2::text[]) AS s(id, bitrix_id) WHERE i.id = s.id`,
      [sent.map((s) => s.id), sent.map((s) => s.bitrixMessageId)],
    );
  }

  async markFailed(ids: readonly string[], error: string): Promise<void> {
    if (!ids.length) return;
    await this.db.query(`UPDATE bitrix_mirror_items SET last_error = $2 WHERE id = ANY($1)`, [
      ids,
      error,
    ]);
  }

  async pendingCount(portalId: string): Promise<number> {
    const rows: { n: string }[] = await this.db.query(
      `SELECT count(*) AS n FROM bitrix_mirror_items WHERE portal_id = $1 AND sent_at IS NULL`,
      [portalId],
    );
    return Number(rows[0]?.n ?? 0);
  }
}
