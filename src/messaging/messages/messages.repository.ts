import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { newId } from '@core/database/ids';
import type { DeliveryStatus, ReferredProduct } from '../inbound/normalized-event';
import type { ChannelAccountEntity } from '../entities/channel-account.entity';
import { MessageEntity } from '../entities/message.entity';
import { touchConversationSql } from '../conversations/touch-conversation.sql';
import { messageEvents } from '../events/record-events.sql';
import type { RuleFacts, RuleFactsQuery } from '../outbound/outbound-rule';
import { distinctIdentityCount, type Identity } from '../contacts/contacts.service';
import {
  RecipientRead,
  recipientOf,
  RecipientRow,
  recipientSql,
} from '../contacts/recipient-read.sql';
import { MessageContentCodec } from './encryption/message-content.codec';
import { notYetSentSql, QUEUED_BOUND, STATUS_RANK, STATUS_RANK_SQL } from './status-machine';

export interface NewInboundMessage {
  id: string;
  tenantId: string;
  conversationId: string;
  channelAccountId: string;
  provider: string;
  providerMessageId: string;
  type: string;
  content: Record<string, unknown>;
  platformTimestamp: Date;
  replyToProviderMessageId?: string;
  referredProduct?: ReferredProduct;
  /** Sent by the business from another client (the phone app): stored as outbound + sent. */
  fromMe?: boolean;
}

/** A queued send and what the worker checks before sending it (findOutboundForSend). */
export interface OutboundForSend {
  message: MessageEntity;
  tenantActive: boolean;
  /** The contact of the message's conversation; null when the conversation is gone. */
  contactId: string | null;
  /** When that contact last wrote on the message's account, or null if never. */
  lastInboundAt: Date | null;
  /** The message's account as stored, credentials sealed; null once it was deleted. */
  account: StoredChannelAccount | null;
  /** How long the message's claim (`sending`) stays live, by PostgreSQL's clock; 0 when lapsed. */
  claimLeftMs: number;
  /** This read claimed the message for sending (claimOutboundForSend). */
  claimedNow: boolean;
  /** What the re-checked rules read about the contact, when the read was asked for them. */
  ruleFacts?: RuleFacts;
}

/** The columns of a channel account that a send opens (ChannelAccountsService.refOf). */
export type StoredChannelAccount = Pick<
  ChannelAccountEntity,
  'id' | 'tenantId' | 'hub' | 'provider' | 'externalId' | 'credentials' | 'status' | 'disabledAt'
>;

export interface NewOutboundMessage {
  id: string;
  tenantId: string;
  conversationId: string;
  channelAccountId: string;
  provider: string;
  type: string;
  content: Record<string, unknown>;
  replyToProviderMessageId?: string;
  /** Our id of the replied-to message when the request named it by that id. */
  replyToMessageId?: string;
  idempotency?: { key: string; fingerprint: string };
  /** What the send is for (SendPurposes); the worker re-checks consent for it. */
  purpose?: string;
}

/**
 * Stores a send only while its recipient reads as it did when the send was decided on
 * (RecipientRead.fingerprint), read again by the storing statement itself.
 */
export interface RecipientGuard {
  identities: readonly Identity[];
  hub: string;
  fingerprint: string;
  factsSql?: RuleFactsQuery;
}

export interface StoredOutbound {
  id: string;
  created: boolean;
  /**
   * Set when a guard stopped the store: the recipient as the statement read it (the send is
   * to be decided again on it), null when it is no longer known under every identity.
   */
  recipientChanged?: RecipientRead | null;
}

const STATUS_COLUMN: Record<DeliveryStatus, string> = {
  sent: 'sent_at',
  delivered: 'delivered_at',
  read: 'read_at',
  failed: 'failed_at',
};

/** Our id of the message an account knows by a provider id (the unique key's index). */
const REPLIED_TO_ID_SQL = (accountParam: string, providerIdParam: string) =>
  `(SELECT r.id FROM messages r
     WHERE r.channel_account_id = ${accountParam}::uuid AND r.provider_message_id = ${providerIdParam})`;

/**
 * SQL for messages: inserts that are idempotent and status updates that only move forward.
 * (TypeORM's `query()` answers an UPDATE with `[rows, affectedCount]`, an INSERT with rows.)
 */
@Injectable()
export class MessagesRepository {
  /** The worker's read of a send, with and without its claim: built once, run prepared. */
  /** The columns of a message as the worker's read selects them. */
  private readonly messageColumns: string;
  /** That read's statements, per facts query (one in practice: SendRecheck's). */
  private readonly outboundForSendSql = new Map<
    RuleFactsQuery | undefined,
    { claiming: string; reading: string }
  >();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(MessageEntity) readonly entities: Repository<MessageEntity>,
    private readonly codec: MessageContentCodec,
  ) {
    this.messageColumns = entities.metadata.columns
      .filter((column) => !column.relationMetadata)
      .map((column) => `m.${column.databaseName} AS "${column.propertyName}"`)
      .join(', ');
  }

  /**
   * Stores a platform's message once; returns false when it was already stored. A reply gets
   * our id of the message it answers here, once, by one probe of the (account, provider id)
   * key: history pages then read a column rather than join every row back to messages. A
   * reply to something we never stored (older than the account, or not arrived yet) keeps
   * only the provider's id.
   */
  async insertInbound(message: NewInboundMessage): Promise<boolean> {
    // A message the business sent from another client arrives as `sent`: it is message.sent.
    // The conversation is locked before anything else (its list copy is updated at the end
    // of the statement): every statement takes a conversation before its event stream.
    const rows: unknown[] = await this.db.query(
      `WITH locked AS (SELECT id FROM conversations WHERE id = $3 FOR NO KEY UPDATE),
       stored AS (
         INSERT INTO messages (id, tenant_id, conversation_id, channel_account_id, direction, type, content, status,
                               provider, provider_message_id, reply_to_provider_message_id, reply_to_message_id,
                               referred_product, platform_timestamp, sent_at)
         SELECT $1, $2, locked.id, $4, $5, $6, $7, $8, $9, $10, $11, ${REPLIED_TO_ID_SQL('$4', '$11')}, $14, $12, $13
           FROM locked
         ON CONFLICT (channel_account_id, provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING
         RETURNING id, tenant_id, conversation_id, status, error_code),
       event AS (${messageEvents('stored', { sql: `CASE WHEN status = 'sent' THEN 'message.sent' ELSE 'message.received' END` })})
       SELECT id FROM stored`,
      [
        message.id,
        message.tenantId,
        message.conversationId,
        message.channelAccountId,
        message.fromMe ? 'outbound' : 'inbound',
        message.type,
        await this.codec.forStorage(message.tenantId, message.id, message.content),
        message.fromMe ? 'sent' : 'received',
        message.provider,
        message.providerMessageId,
        message.replyToProviderMessageId ?? null,
        message.platformTimestamp,
        message.fromMe ? message.platformTimestamp : null,
        message.referredProduct ?? null,
      ],
    );
    return rows.length > 0;
  }

  /**
   * Stores a message the contact sent, in the conversation of `contactId` on its account,
   * moving that conversation's activity and its customer window to `at` (creating it, with
   * its `conversation.opened`, if needed): one statement where touching the conversation
   * first took a round trip and a commit of its own per received message. Returns false when
   * the message was already stored (the conversation is touched all the same, as before).
   */
  async insertReceivedTouching(
    message: Omit<NewInboundMessage, 'conversationId' | 'fromMe'>,
    conversation: { contactId: string; at: Date },
  ): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `WITH ${touchConversationSql({ id: '$11', tenantId: '$2', accountId: '$3', contactId: '$12', at: '$13', inboundAt: '$13' })},
       stored AS (
         INSERT INTO messages (id, tenant_id, conversation_id, channel_account_id, direction, type, content, status,
                               provider, provider_message_id, reply_to_provider_message_id, reply_to_message_id,
                               referred_product, platform_timestamp)
         SELECT $1, $2, touched.id, $3, 'inbound', $4, $5, 'received', $6, $7, $8,
                ${REPLIED_TO_ID_SQL('$3', '$8')}, $10, $9
           FROM touched
         ON CONFLICT (channel_account_id, provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING
         RETURNING id, tenant_id, conversation_id, status, error_code),
       -- Reading "opened" makes the conversation's event take its stream's seq first.
       event AS (${messageEvents('stored', 'message.received', '(SELECT count(*) FROM opened) >= 0')})
       SELECT id FROM stored`,
      [
        message.id,
        message.tenantId,
        message.channelAccountId,
        message.type,
        await this.codec.forStorage(message.tenantId, message.id, message.content),
        message.provider,
        message.providerMessageId,
        message.replyToProviderMessageId ?? null,
        message.platformTimestamp,
        message.referredProduct ?? null,
        newId(),
        conversation.contactId,
        conversation.at,
      ],
    );
    return rows.length > 0;
  }

  /**
   * Stores a queued outbound message. With an idempotency key this tenant already holds,
   * nothing is inserted and `created` is false (a concurrent INSERT of the same key waits on
   * the unique index until the other commits, so exactly one of them creates the message).
   */
  async insertOutbound(message: NewOutboundMessage): Promise<{ id: string; created: boolean }> {
    const rows: { id: string }[] = await this.db.query(
      `WITH stored AS (
         INSERT INTO messages (id, tenant_id, conversation_id, channel_account_id, direction, type, content, status,
                               provider, reply_to_provider_message_id, reply_to_message_id,
                               idempotency_key, idempotency_fingerprint, purpose)
         VALUES ($1, $2, $3, $4, 'outbound', $5, $6, 'queued', $7, $8,
                 COALESCE($10::uuid, ${REPLIED_TO_ID_SQL('$4', '$8')}), $9, $11, $12)
         ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING id, tenant_id, conversation_id, status, error_code),
       event AS (${messageEvents('stored', 'message.accepted')})
       SELECT id FROM stored`,
      [
        message.id,
        message.tenantId,
        message.conversationId,
        message.channelAccountId,
        message.type,
        await this.codec.forStorage(message.tenantId, message.id, message.content),
        message.provider,
        message.replyToProviderMessageId ?? null,
        message.idempotency?.key ?? null,
        message.replyToMessageId ?? null,
        message.idempotency?.fingerprint ?? null,
        message.purpose ?? null,
      ],
    );
    return { id: message.id, created: rows.length > 0 };
  }

  /**
   * Stores a queued outbound message in the conversation of `contactId` on its account, and
   * moves that conversation's activity to `at` (creating it, with its `conversation.opened`,
   * if needed): one statement, where touching the conversation first took a round trip and a
   * commit of its own per send. With an idempotency key this tenant already holds, nothing
   * is inserted and `created` is false (a concurrent INSERT of the same key waits on the
   * unique index until the other commits, so exactly one of them creates the message).
   * The row is stamped enqueued as stored: the caller adds its job next and clears the stamp
   * (markNotEnqueued) only if Redis refuses, where stamping after the add cost a commit per send.
   * With a `guard`, the same statement reads the recipient again and stores (and touches)
   * nothing unless it reads as the send was decided on; `recipientChanged` then answers what
   * it read instead.
   */
  async insertOutboundTouching(
    message: Omit<NewOutboundMessage, 'conversationId'>,
    conversation: { contactId: string; at: Date },
    guard?: RecipientGuard,
  ): Promise<StoredOutbound> {
    const recipient = guard
      ? `${recipientSql({ tenantId: '$2', types: '$15', values: '$16', accountId: '$3', hub: '$17' }, guard.factsSql)},
       decided AS (SELECT 1 FROM recipient WHERE fingerprint = $18),`
      : '';
    const rows: (RecipientRow & { id: string | null })[] = await this.db.query(
      `WITH ${recipient}
       ${touchConversationSql({
         id: '$12',
         tenantId: '$2',
         accountId: '$3',
         contactId: '$13',
         at: '$14',
         inboundAt: 'NULL::timestamptz',
         onlyIf: guard ? 'decided' : undefined,
         // Without an idempotency key ($8) nothing skips the insert below.
         storing: { id: '$1', type: '$4', content: '$5', certainIf: '$8::text IS NULL' },
       })},
       stored AS (
         INSERT INTO messages (id, tenant_id, conversation_id, channel_account_id, direction, type, content, status,
                               provider, reply_to_provider_message_id, reply_to_message_id,
                               idempotency_key, idempotency_fingerprint, purpose, enqueued_at)
         SELECT $1, $2, touched.id, $3, 'outbound', $4, $5, 'queued', $6, $7,
                COALESCE($9::uuid, ${REPLIED_TO_ID_SQL('$3', '$7')}), $8, $10, $11, now()
           FROM touched
         ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING id, tenant_id, conversation_id, status, error_code),
       -- Reading "opened" makes the conversation's event take its stream's seq first.
       event AS (${messageEvents('stored', 'message.accepted', '(SELECT count(*) FROM opened) >= 0')})
       ${guard ? 'SELECT stored.id, recipient.* FROM (SELECT 1) one LEFT JOIN stored ON true LEFT JOIN recipient ON true' : 'SELECT id FROM stored'}`,
      [
        message.id,
        message.tenantId,
        message.channelAccountId,
        message.type,
        await this.codec.forStorage(message.tenantId, message.id, message.content),
        message.provider,
        message.replyToProviderMessageId ?? null,
        message.idempotency?.key ?? null,
        message.replyToMessageId ?? null,
        message.idempotency?.fingerprint ?? null,
        message.purpose ?? null,
        newId(),
        conversation.contactId,
        conversation.at,
        ...(guard
          ? [
              guard.identities.map((i) => i.type),
              guard.identities.map((i) => i.value),
              guard.hub,
              guard.fingerprint,
            ]
          : []),
      ],
    );
    const row = rows[0];
    if (guard && row?.fingerprint !== guard.fingerprint) {
      return {
        id: message.id,
        created: false,
        recipientChanged: recipientOf(row, distinctIdentityCount(guard.identities)) ?? null,
      };
    }
    return { id: message.id, created: !!row?.id };
  }

  /** The provider's id of one of this tenant's messages (null until it was sent). */
  async providerIdOf(tenantId: string, id: string): Promise<string | null | undefined> {
    const rows: { provider_message_id: string | null }[] = await this.db.query(
      `SELECT provider_message_id FROM messages WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return rows[0]?.provider_message_id;
  }

  /**
   * A queued send as the worker needs it, in one statement: the message, whether its tenant
   * is active, the contact and their last inbound message on the message's account (what
   * the re-checked rules read), and that account unless deleted. Read together, not one query
   * each: the worker used to spend five PostgreSQL round trips (and five commits) on them per
   * message. Each is read fresh per send, so a switched-off account or a suspended tenant
   * still stops the sends queued before.
   */
  findOutboundForSend(id: string, factsSql?: RuleFactsQuery): Promise<OutboundForSend | null> {
    return this.readOutboundForSend(id, undefined, factsSql);
  }

  /**
   * findOutboundForSend and the claim (SendOutcomesRepository.claim) in one statement: a
   * queued message is taken for sending by `claimant` as it is read (`claimedNow`), so a send
   * costs one round trip and commit less. What is read is the message as it was before the
   * claim; a message not queued is read as it is, unclaimed.
   */
  claimOutboundForSend(
    id: string,
    claimant: { id: string; leaseMs: number },
    factsSql?: RuleFactsQuery,
  ): Promise<OutboundForSend | null> {
    return this.readOutboundForSend(id, claimant, factsSql);
  }

  private async readOutboundForSend(
    id: string,
    claimant: { id: string; leaseMs: number } | undefined,
    factsSql: RuleFactsQuery | undefined,
  ): Promise<OutboundForSend | null> {
    let sql = this.outboundForSendSql.get(factsSql);
    if (!sql) {
      sql = {
        claiming: outboundForSendSql(this.messageColumns, true, factsSql),
        reading: outboundForSendSql(this.messageColumns, false, factsSql),
      };
      this.outboundForSendSql.set(factsSql, sql);
    }
    const rows: (Record<string, unknown> & {
      claimed_now: boolean;
      claim_left_ms: number;
      tenant_active: boolean;
      contact_id: string | null;
      last_inbound_at: Date | null;
      account: (Omit<StoredChannelAccount, 'disabledAt'> & { disabledAt: string | null }) | null;
      rule_facts?: RuleFacts;
    })[] = claimant
      ? await this.db.query(sql.claiming, [id, claimant.id, claimant.leaseMs, QUEUED_BOUND])
      : await this.db.query(sql.reading, [id]);
    const row = rows[0];
    if (!row) return null;
    const { claimed_now, claim_left_ms, tenant_active, contact_id, last_inbound_at, account } = row;
    const message = this.entities.create(row as Partial<MessageEntity>);
    message.content = this.codec.open(message.id, message.content);
    return {
      message: claimed_now ? Object.assign(message, { status: 'sending' }) : message,
      claimedNow: claimed_now,
      tenantActive: tenant_active,
      contactId: contact_id,
      lastInboundAt: last_inbound_at,
      claimLeftMs: Number(claim_left_ms),
      account: account && {
        ...account,
        disabledAt: account.disabledAt ? new Date(account.disabledAt) : null,
      },
      ruleFacts: row.rule_facts,
    };
  }

  /** Stamps when the messages' jobs were (last) added, for the outbox sweeper. */
  async markEnqueued(ids: readonly string[]): Promise<void> {
    await this.db.query(
      `UPDATE messages SET enqueued_at = now() WHERE id = ANY($1::uuid[]) AND status = $2`,
      [ids, QUEUED_BOUND],
    );
  }

  /**
   * The message's job could not be added after all (Redis refused): the outbox sweeper adds
   * it once it has waited INBOX_SWEEP_AFTER_MS rather than the stalled threshold.
   */
  async markNotEnqueued(id: string): Promise<void> {
    await this.db.query(`UPDATE messages SET enqueued_at = NULL WHERE id = $1 AND status = $2`, [
      id,
      QUEUED_BOUND,
    ]);
  }

  /**
   * Queued sends that need a job: never enqueued (Redis was away) for `after.neverEnqueuedMs`,
   * or enqueued more than `after.stalledMs` ago and still queued (Redis lost the job, or it
   * still waits: re-adding the same job id is a no-op). The outbox sweeper's work.
   */
  async findUnenqueued(
    after: { neverEnqueuedMs: number; stalledMs: number },
    limit: number,
  ): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM messages
        WHERE status = 'queued'
          AND ((enqueued_at IS NULL
                AND created_at < now() - make_interval(secs => $1::double precision / 1000))
            OR enqueued_at < now() - make_interval(secs => $2::double precision / 1000))
        ORDER BY created_at LIMIT $3`,
      [after.neverEnqueuedMs, after.stalledMs, limit],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Applies a delivery status, forward only (status-machine.ts): the status column moves
   * only to a higher rank and never off `failed` (nor from `read` to `failed`); the status's
   * own timestamp is filled once whatever the order. Returns false when no message matched.
   */
  async applyStatus(
    channelAccountId: string,
    providerMessageId: string,
    status: DeliveryStatus,
    at: Date,
    error?: { code: string; title: string },
  ): Promise<boolean> {
    const column = STATUS_COLUMN[status];
    const rank = STATUS_RANK[status];
    // The row is locked first so the event compares the status it replaced with the new one.
    const changed: unknown[] = await this.db.query(
      `WITH prev AS (
         SELECT id AS locked_id, status AS was FROM messages
          WHERE channel_account_id = $1 AND provider_message_id = $2 AND direction = 'outbound'
          FOR UPDATE),
       changed AS (
       UPDATE messages SET
         status = CASE
           WHEN status = 'failed' THEN status
           WHEN $4 = 'failed' THEN CASE WHEN status = 'read' THEN status ELSE 'failed' END
           WHEN ${STATUS_RANK_SQL} < $5 THEN $4
           ELSE status END,
         ${column} = COALESCE(${column}, $3),
         error_code = CASE WHEN $4 = 'failed' AND status NOT IN ('failed', 'read') THEN $6
                           WHEN status = 'unknown' THEN NULL ELSE error_code END,
         error_title = CASE WHEN $4 = 'failed' AND status NOT IN ('failed', 'read') THEN $7
                            WHEN status = 'unknown' THEN NULL ELSE error_title END,
         updated_at = now()
       FROM prev WHERE id = locked_id
       RETURNING id, tenant_id, conversation_id, status, error_code, was),
       event AS (${messageEvents('changed', 'message.status_changed', 'status <> was')})
       SELECT id FROM changed`,
      [
        channelAccountId,
        providerMessageId,
        at,
        status,
        rank,
        error?.code ?? null,
        error?.title ?? null,
      ],
    );
    return changed.length > 0;
  }

  /**
   * The provider accepted the send: record its id and move to sent (unless a webhook was
   * faster). An unknown outcome it settles loses its reason. Fails with a unique violation when
   * another row already holds the id (an echo stored first): see SendOutcomes.recordSent.
   */
  async markSent(id: string, providerMessageId: string, at: Date): Promise<void> {
    // Usually the send is still unsettled, and the update's own condition says so: its event
    // needs no read of the status before. Otherwise (an echo or a webhook settled it first)
    // the row is locked to read what it was, and only the id and time are recorded.
    const settled: unknown[] = await this.db.query(
      `WITH changed AS (
       UPDATE messages SET
         provider_message_id = $2,
         status = 'sent',
         error_code = CASE WHEN status = 'unknown' THEN NULL ELSE error_code END,
         error_title = CASE WHEN status = 'unknown' THEN NULL ELSE error_title END,
         sent_at = COALESCE(sent_at, $3),
         updated_at = now()
       WHERE id = $1 AND ${notYetSentSql()}
       RETURNING id, tenant_id, conversation_id, status, error_code),
       event AS (${messageEvents('changed', 'message.sent')})
       SELECT 1 FROM changed`,
      [id, providerMessageId, at],
    );
    if (settled.length) return;
    await this.db.query(
      `WITH prev AS (SELECT id AS locked_id, status AS was FROM messages WHERE id = $1 FOR UPDATE),
       changed AS (
       UPDATE messages SET
         provider_message_id = $2,
         status = CASE WHEN ${notYetSentSql()} THEN 'sent' ELSE status END,
         error_code = CASE WHEN status = 'unknown' THEN NULL ELSE error_code END,
         error_title = CASE WHEN status = 'unknown' THEN NULL ELSE error_title END,
         sent_at = COALESCE(sent_at, $3),
         updated_at = now()
       FROM prev WHERE id = locked_id
       RETURNING id, tenant_id, conversation_id, status, error_code, was),
       event AS (${messageEvents('changed', 'message.sent', notYetSentSql('was'))})
       SELECT 1`,
      [id, providerMessageId, at],
    );
  }

  /** The send moves to the fallback account: it is that account's message from now on. */
  async moveToAccount(
    id: string,
    channelAccountId: string,
    provider: string,
    reason: string,
  ): Promise<void> {
    await this.db.query(
      `UPDATE messages SET channel_account_id = $2, provider = $3, fallback_reason = $4, updated_at = now()
       WHERE id = $1 AND status = $5`,
      [id, channelAccountId, provider, reason, QUEUED_BOUND],
    );
  }

  async markFailed(id: string, code: string, title: string): Promise<void> {
    await this.db.query(
      `WITH changed AS (
         UPDATE messages SET status = 'failed', failed_at = now(), error_code = $2, error_title = $3, updated_at = now()
          WHERE id = $1 AND status IN ('queued', 'sending')
          RETURNING id, tenant_id, conversation_id, status, error_code),
       event AS (${messageEvents('changed', 'message.status_changed')})
       SELECT 1`,
      [id, code, title.slice(0, 500)],
    );
  }
}

/**
 * The worker's read of a send (MessagesRepository.readOutboundForSend): the message (every
 * column, by property name), whether its tenant is active, the contact of its conversation and
 * when they last wrote on the message's account, the facts of the re-checked rules about that
 * contact (`factsSql`, when any rule declares them), its account unless deleted, and how long
 * a claim on it has left. `claiming`, the same read also takes a queued message for sending
 * ($2 the claimant, $3 its lease in ms); what is read is the message as it was before.
 */
function outboundForSendSql(
  columns: string,
  claiming: boolean,
  factsSql: RuleFactsQuery | undefined,
): string {
  // The status the claim expects is bound ($4): see QUEUED_BOUND.
  const claim = claiming
    ? `WITH claimed AS (
         UPDATE messages SET status = 'sending', claimed_by = $2,
                claimed_until = now() + make_interval(secs => $3::double precision / 1000),
                updated_at = now()
          WHERE id = $1 AND direction = 'outbound' AND status = $4 RETURNING id)
       `
    : '';
  const facts = factsSql?.({ tenantId: 'm.tenant_id', contactId: 'c.contact_id', hub: 'a.hub' });
  return `${claim}SELECT ${columns},
            ${claiming ? 'EXISTS (SELECT 1 FROM claimed)' : 'false'} AS claimed_now,
            EXISTS (SELECT 1 FROM tenants t WHERE t.id = m.tenant_id AND t.status = 'active') AS tenant_active,
            c.contact_id,
            (SELECT li.last_inbound_at FROM conversations li
              WHERE li.channel_account_id = m.channel_account_id AND li.contact_id = c.contact_id) AS last_inbound_at,
            CASE WHEN a.id IS NOT NULL AND a.deleted_at IS NULL THEN
              json_build_object('id', a.id, 'tenantId', a.tenant_id, 'hub', a.hub,
                    'provider', a.provider, 'externalId', a.external_id, 'credentials', a.credentials,
                    'status', a.status, 'disabledAt', a.disabled_at) END AS account,
            GREATEST(0, COALESCE(EXTRACT(EPOCH FROM (m.claimed_until - now())) * 1000, 0))::float8 AS claim_left_ms
            ${facts ? `, ${facts} AS rule_facts` : ''}
       FROM messages m
       -- By key (LATERAL ... LIMIT 1): as joins, a generic plan may hash a small table whole.
       LEFT JOIN LATERAL (
         SELECT contact_id FROM conversations
          WHERE id = m.conversation_id AND tenant_id = m.tenant_id LIMIT 1) c ON true
       LEFT JOIN LATERAL (
         SELECT id, tenant_id, hub, provider, external_id, credentials, status, disabled_at, deleted_at
           FROM channel_accounts
          WHERE id = m.channel_account_id AND tenant_id = m.tenant_id LIMIT 1) a ON true
      WHERE m.id = $1 AND m.direction = 'outbound'`;
}
