import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '@core/database/pg-errors';
import { messageEvents } from '../events/record-events.sql';
import { MessageContentCodec, SEALED_CONTENT } from './encryption/message-content.codec';
import { MessagesRepository } from './messages.repository';
import { notYetSentSql, QUEUED_BOUND } from './status-machine';

/** The columns messageEvents reads, and the status a change replaced (`was`). */
const CHANGED_COLUMNS = 'id, tenant_id, conversation_id, status, error_code';

const PROVIDER_ID_KEY = 'messages_account_provider_message_key';

/** How recently an unsettled send must have been claimed for a platform echo to settle it. */
export const ECHO_MATCH_WINDOW_MS = 10 * 60_000;

/** What an echo of a sent message tells about it, to find the send it echoes. */
export interface SendEcho {
  conversationId: string;
  channelAccountId: string;
  providerMessageId: string;
  type: string;
  /** The text, or a media caption; undefined when the echo carries neither. */
  text?: string;
  sentAt: Date;
}

/**
 * The life of one send as rows see it: a worker claims a queued message (`sending`, with a
 * lease: `claimed_by`, `claimed_until`) before it calls the provider, so two workers never both
 * send it; the claim ends `sent` (the provider's
 * id recorded), back to `queued` (the platform refused or never saw it: safe to send again),
 * `failed`, or `unknown` (it may have gone out). An unknown or in-flight send is settled by the
 * platform's echo of it, a status webhook naming its id, or an operator; never by sending again.
 * Every change but the claim and its release (the worker's own bookkeeping, which nobody
 * outside acts on) records its event in the same statement.
 */
@Injectable()
export class SendOutcomesRepository {
  private readonly logger = new Logger(SendOutcomesRepository.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly messages: MessagesRepository,
    private readonly codec: MessageContentCodec,
  ) {}

  /**
   * Takes a queued message for sending, as `claimant.id` for `claimant.leaseMs` (SendClaimant);
   * false when another worker (or run) already did.
   */
  async claim(id: string, claimant: { id: string; leaseMs: number }): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.db.query(
      `UPDATE messages SET status = 'sending', claimed_by = $2,
              claimed_until = now() + make_interval(secs => $3::double precision / 1000), updated_at = now()
        WHERE id = $1 AND status = $4 RETURNING id`,
      [id, claimant.id, claimant.leaseMs, QUEUED_BOUND],
    );
    return rows.length > 0;
  }

  /** The platform refused the send or never saw it: it waits to be sent again. */
  async release(id: string, claimant: string): Promise<void> {
    await this.db.query(
      `UPDATE messages SET status = 'queued', claimed_by = NULL, claimed_until = NULL, updated_at = now()
        WHERE id = $1 AND status = 'sending' AND claimed_by = $2`,
      [id, claimant],
    );
  }

  /** The send may or may not have gone out; `code` and `title` say why nobody knows. */
  async markUnknown(id: string, code: string, title: string): Promise<void> {
    await this.db.query(
      `WITH changed AS (
         UPDATE messages SET status = 'unknown', error_code = $2, error_title = $3, updated_at = now()
          WHERE id = $1 AND status = 'sending'
          RETURNING ${CHANGED_COLUMNS}),
       event AS (${messageEvents('changed', 'message.status_changed')})
       SELECT 1`,
      [id, code, title.slice(0, 500)],
    );
  }

  /**
   * A claim whose lease lapsed before its send ended (its worker stopped mid-send) becomes
   * `unknown`; false when the message holds no lapsed claim any more (its send ended, or the
   * claim is live). A claim made before leases existed has none and counts as lapsed.
   */
  async abandonLapsedClaim(id: string, code: string, title: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `WITH changed AS (
         UPDATE messages SET status = 'unknown', error_code = $2, error_title = $3, updated_at = now()
          WHERE id = $1 AND status = 'sending' AND (claimed_until IS NULL OR claimed_until <= now())
          RETURNING ${CHANGED_COLUMNS}),
       event AS (${messageEvents('changed', 'message.status_changed')})
       SELECT 1 FROM changed`,
      [id, code, title.slice(0, 500)],
    );
    return rows.length > 0;
  }

  /**
   * Claims whose worker died (or whose job Redis lost) before they ended: `sending` for longer
   * than `ms` and past their lease. Each becomes `unknown`; returns how many.
   */
  async abandonClaimsOlderThan(ms: number, code: string, title: string): Promise<number> {
    const [{ count }]: { count: number }[] = await this.db.query(
      `WITH changed AS (
         UPDATE messages SET status = 'unknown', error_code = $2, error_title = $3, updated_at = now()
          WHERE status = 'sending' AND updated_at < now() - make_interval(secs => $1::double precision / 1000)
            AND (claimed_until IS NULL OR claimed_until <= now())
          RETURNING ${CHANGED_COLUMNS}),
       event AS (${messageEvents('changed', 'message.status_changed')})
       SELECT count(*)::int AS count FROM changed`,
      [ms, code, title],
    );
    return count;
  }

  /**
   * Records the provider's id of a send it accepted. When a row already holds that id, the
   * platform's echo of this very send was stored first as a message of its own: that copy is
   * folded into ours (its later statuses kept), so the send ends recorded once. A unique
   * violation never reaches the caller, whose retry would send the message again.
   */
  async recordSent(id: string, providerMessageId: string, at: Date): Promise<void> {
    try {
      await this.messages.markSent(id, providerMessageId, at);
      return;
    } catch (error) {
      if (!isUniqueViolation(error, PROVIDER_ID_KEY)) throw error;
    }
    const folded = await this.db.transaction((tx) => this.foldEchoInto(tx, id, providerMessageId));
    if (folded) return;
    // Another of our own sends holds the id (two identical sends echoed out of order): ours
    // went out all the same, so it is sent, without an id to follow its statuses by.
    this.logger.warn({ messageId: id }, 'Send accepted, but its provider id is already taken');
    await this.db.query(
      `WITH prev AS (SELECT id AS locked_id, status AS was FROM messages WHERE id = $1 FOR UPDATE),
       changed AS (
         UPDATE messages SET status = CASE WHEN ${notYetSentSql()} THEN 'sent' ELSE status END,
                sent_at = COALESCE(sent_at, $2), error_code = NULL, error_title = NULL, updated_at = now()
           FROM prev WHERE id = locked_id
          RETURNING ${CHANGED_COLUMNS}, was),
       event AS (${messageEvents('changed', 'message.sent', notYetSentSql('was'))})
       SELECT 1`,
      [id, at],
    );
  }

  private async foldEchoInto(tx: EntityManager, id: string, providerMessageId: string) {
    // Like UPDATE, a DELETE answers `[rows, affectedCount]`.
    const [echoes]: [
      { status: string; sent_at: Date | null; delivered_at: Date | null; read_at: Date | null }[],
      number,
    ] = await tx.query(
      `DELETE FROM messages echo USING messages ours
        WHERE ours.id = $1 AND echo.id <> ours.id
          AND echo.channel_account_id = ours.channel_account_id AND echo.provider_message_id = $2
          AND echo.conversation_id = ours.conversation_id
          AND echo.direction = 'outbound' AND echo.platform_timestamp IS NOT NULL
        RETURNING echo.status, echo.sent_at, echo.delivered_at, echo.read_at`,
      [id, providerMessageId],
    );
    if (!echoes.length) return false;
    const [echo] = echoes;
    // The echo's own events (it was stored as a message of its own) stay as they were: a
    // subscriber that followed it learns from this message.sent that the send is the one.
    await tx.query(
      `WITH prev AS (SELECT id AS locked_id, status AS was FROM messages WHERE id = $1 FOR UPDATE),
       changed AS (
         UPDATE messages SET provider_message_id = $2,
                status = CASE WHEN status IN ('queued', 'sending', 'unknown', 'sent') THEN $3 ELSE status END,
                sent_at = COALESCE(sent_at, $4, now()), delivered_at = COALESCE(delivered_at, $5),
                read_at = COALESCE(read_at, $6), error_code = NULL, error_title = NULL, updated_at = now()
           FROM prev WHERE id = locked_id
          RETURNING ${CHANGED_COLUMNS}, was),
       event AS (${messageEvents('changed', 'message.sent', notYetSentSql('was'))})
       SELECT 1`,
      [id, providerMessageId, echo.status, echo.sent_at, echo.delivered_at, echo.read_at],
    );
    this.logger.log({ messageId: id }, "Folded the platform's echo of a send into the send");
    return true;
  }

  /**
   * An operator's word on a send whose outcome is unknown: it was `sent` (the customer got it)
   * or `failed` (it did not go out; a re-drive may send it later). Returns the status the
   * message has afterwards, or undefined when this tenant has no such message; a message that
   * is not `unknown` (an inbound one included) is left as it is.
   */
  async settleByOperator(
    tenantId: string,
    id: string,
    outcome: 'sent' | 'failed',
  ): Promise<{ status: string; settled: boolean } | undefined> {
    const rows: { id: string }[] = await this.db.query(
      `WITH changed AS (
         UPDATE messages SET status = $3,
                sent_at = CASE WHEN $3 = 'sent' THEN COALESCE(sent_at, now()) ELSE sent_at END,
                failed_at = CASE WHEN $3 = 'failed' THEN now() ELSE failed_at END,
                error_code = CASE WHEN $3 = 'failed' THEN 'MESSAGE.NOT_SENT' ELSE NULL END,
                error_title = CASE WHEN $3 = 'failed' THEN 'An operator found the send did not go out' ELSE NULL END,
                updated_at = now()
          WHERE tenant_id = $1 AND id = $2 AND direction = 'outbound' AND status = 'unknown'
          RETURNING ${CHANGED_COLUMNS}),
       event AS (${messageEvents('changed', 'message.status_changed')})
       SELECT id FROM changed`,
      [tenantId, id, outcome],
    );
    if (rows.length) return { status: outcome, settled: true };
    const current: { status: string }[] = await this.db.query(
      `SELECT status FROM messages WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return current[0] ? { status: current[0].status, settled: false } : undefined;
  }

  /**
   * Settles the send an echo of ours describes (the platform reports our own send back, maybe
   * before it answers the send itself): the oldest unsettled send in the conversation, claimed
   * within ECHO_MATCH_WINDOW_MS, of the same type and, when the echo has one, the same text or
   * caption, takes the echo's id and becomes `sent`. Returns false when none matches (a
   * message the business sent from another client: stored as a message of its own). A send
   * stored sealed is matched on the keyed digest of its text (MessageContentCodec).
   */
  async settleByEcho(echo: SendEcho): Promise<boolean> {
    const digest = echo.text === undefined ? null : await this.echoDigestOf(echo, echo.text);
    try {
      const rows: unknown[] = await this.db.query(
        `WITH changed AS (
         UPDATE messages SET provider_message_id = $3, status = 'sent', sent_at = COALESCE(sent_at, $6),
                error_code = NULL, error_title = NULL, updated_at = now()
          WHERE id = (
            SELECT id FROM messages
             WHERE conversation_id = $1 AND channel_account_id = $2 AND direction = 'outbound'
               AND status IN ('sending', 'unknown') AND provider_message_id IS NULL AND type = $4
               AND ($5::text IS NULL OR content->>'text' = $5 OR content->>'caption' = $5
                    OR content->>'${SEALED_CONTENT.digest}' = $8)
               AND updated_at > now() - make_interval(secs => $7::double precision / 1000)
             ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            -- Known already (the send's answer came first): nothing to settle.
            AND NOT EXISTS (SELECT 1 FROM messages WHERE channel_account_id = $2 AND provider_message_id = $3)
          RETURNING ${CHANGED_COLUMNS}),
         event AS (${messageEvents('changed', 'message.sent')})
         SELECT id FROM changed`,
        [
          echo.conversationId,
          echo.channelAccountId,
          echo.providerMessageId,
          echo.type,
          echo.text ?? null,
          echo.sentAt,
          ECHO_MATCH_WINDOW_MS,
          digest,
        ],
      );
      return rows.length > 0;
    } catch (error) {
      // The send's answer recorded the id meanwhile: the echo is a duplicate, nothing to do.
      if (isUniqueViolation(error, PROVIDER_ID_KEY)) return false;
      throw error;
    }
  }

  /** The digest a sealed send of the echo's text holds; null once the conversation is gone. */
  private async echoDigestOf(echo: SendEcho, text: string): Promise<string | null> {
    const rows: { tenant_id: string }[] = await this.db.query(
      `SELECT tenant_id FROM conversations WHERE id = $1`,
      [echo.conversationId],
    );
    return rows[0] ? this.codec.echoDigest(rows[0].tenant_id, text) : null;
  }
}
