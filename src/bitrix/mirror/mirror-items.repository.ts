import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';

/**
 * What an item posts: the customer's message, their edit of it, its deletion, or a message the
 * business sent the customer outside the open line ('outbound').
 */
export type MirrorChange = 'send' | 'edit' | 'delete' | 'outbound';

/** An unsent item that used up its attempts, as the dead-letter route shows it. */
export interface DeadLetter {
  id: string;
  change: MirrorChange;
  messageId: string;
  conversationId: string;
  lineId: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
}

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

  /** `changeKey` tells repeated changes apart: 'send', 'delete', 'outbound', 'edit:<event id>'. */
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

  /**
   * Adds the item when the customer's chat on the portal is known already, in one statement
   * (the mirror's usual case); false when it is not, and nothing was added.
   */
  async addToKnownChat(item: Omit<MirrorItem, 'id'> & { changeKey: string }): Promise<boolean> {
    const rows: { hasChat: boolean }[] = await this.db.query(
      `WITH chat AS (SELECT 1 FROM bitrix_chats WHERE portal_id = $3 AND conversation_id = $5),
       added AS (
         INSERT INTO bitrix_mirror_items
           (id, tenant_id, portal_id, line_id, conversation_id, message_id, change, change_key)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM chat)
         ON CONFLICT (portal_id, message_id, change_key) DO NOTHING)
       SELECT EXISTS (SELECT 1 FROM chat) AS "hasChat"`,
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
    return rows[0]?.hasChat ?? false;
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

  /**
   * The oldest unsent items of the portal that are due and not dead letters (the caller holds
   * the portal's flush lock).
   */
  pending(portalId: string, limit: number, maxAttempts: number): Promise<MirrorItem[]> {
    return this.db.query(
      `SELECT id, change, tenant_id AS "tenantId", portal_id AS "portalId", line_id AS "lineId",
              conversation_id AS "conversationId", message_id AS "messageId"
         FROM bitrix_mirror_items
        WHERE portal_id = $1 AND sent_at IS NULL AND attempts < $3
          AND (retry_at IS NULL OR retry_at <= now())
        ORDER BY created_at, id LIMIT $2`,
      [portalId, limit, maxAttempts],
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

  /**
   * One more refusal: the item waits 1 s, 2 s, 4 s... (capped at 5 min) before its next try.
   * Returns the milliseconds until the first of them is due again.
   */
  async markFailed(ids: readonly string[], error: string): Promise<number> {
    if (!ids.length) return 0;
    const [rows]: [{ waitMs: number }[], number] = await this.db.query(
      `UPDATE bitrix_mirror_items
          SET last_error = $2, attempts = attempts + 1,
              retry_at = now() + least(300, power(2, attempts)) * interval '1 second'
        WHERE id = ANY($1)
        RETURNING (extract(epoch FROM retry_at - now()) * 1000)::int AS "waitMs"`,
      [ids, error.slice(0, 500)],
    );
    return Math.min(...rows.map((r) => r.waitMs));
  }

  /** The portal's unsent items that used up their attempts, oldest first. */
  deadLetters(portalId: string, maxAttempts: number, limit: number): Promise<DeadLetter[]> {
    return this.db.query(
      `SELECT id, change, message_id AS "messageId", conversation_id AS "conversationId",
              line_id AS "lineId", attempts, last_error AS "lastError", created_at AS "createdAt"
         FROM bitrix_mirror_items
        WHERE portal_id = $1 AND sent_at IS NULL AND attempts >= $2
        ORDER BY created_at, id LIMIT $3`,
      [portalId, maxAttempts, limit],
    );
  }

  /** Gives the portal's dead letters (all, or those named) their attempts back; how many. */
  async redrive(portalId: string, maxAttempts: number, ids?: readonly string[]): Promise<number> {
    const [, count]: [unknown, number] = await this.db.query(
      `UPDATE bitrix_mirror_items SET attempts = 0, retry_at = NULL
        WHERE portal_id = $1 AND sent_at IS NULL AND attempts >= $2
          AND ($3::uuid[] IS NULL OR id = ANY($3))`,
      [portalId, maxAttempts, ids ?? null],
    );
    return count;
  }

  async pendingCount(portalId: string): Promise<number> {
    const rows: { n: string }[] = await this.db.query(
      `SELECT count(*) AS n FROM bitrix_mirror_items WHERE portal_id = $1 AND sent_at IS NULL`,
      [portalId],
    );
    return Number(rows[0]?.n ?? 0);
  }
}
