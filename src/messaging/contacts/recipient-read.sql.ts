import type { RuleFacts, RuleFactsQuery } from '../outbound/outbound-rule';

/** SQL placeholders naming a send's recipient, for recipientSql. */
export interface RecipientRefs {
  /** uuid */
  tenantId: string;
  /** text[]: the identities' kinds, and below their values, pairwise. */
  types: string;
  values: string;
  /** uuid: the account sending. */
  accountId: string;
  /** text: its hub. */
  hub: string;
}

/**
 * What accepting a send reads about its recipient: the contact known under every identity
 * it was addressed by, when they last wrote on the account (the window rules) and the facts
 * of the rules that declare them. `fingerprint` stands for all of it: a statement storing a
 * send decided on this read stores it only while the recipient still reads the same
 * (MessagesRepository.insertOutboundTouching's guard).
 */
export interface RecipientRead {
  contactId: string;
  lastInboundAt: Date | null;
  ruleFacts?: RuleFacts;
  fingerprint: string;
}

/**
 * A send's recipient as ContactsService.resolveRecipient answers: the read, or a contact it
 * created or completed (then nothing more is known: the caller reads the window, each rule
 * its facts).
 */
export type ResolvedRecipient = RecipientRead | { contactId: string; lastInboundAt: undefined };

/** The row of `recipient` (recipientSql), as PostgreSQL answers it. */
export interface RecipientRow {
  contact_id: string | null;
  hub: string | null;
  known: number | null;
  last_inbound_at: Date | null;
  rule_facts: RuleFacts | null;
  fingerprint: string | null;
}

/**
 * Three CTEs: `found`, the tenant's identities among those asked for; `first`, the contact of
 * the oldest of them; `recipient`, one row when any was found: that contact, how many of the
 * identities were found (`known`), when the contact last wrote on the account, the rules'
 * facts (`factsSql`, evaluated once, over `first.contact_id`) and an md5 fingerprint of the
 * four. The same text for the same refs, so a statement using it stays one prepared statement.
 */
export function recipientSql(refs: RecipientRefs, factsSql?: RuleFactsQuery): string {
  const facts = factsSql?.({
    tenantId: `${refs.tenantId}::uuid`,
    contactId: 'first.contact_id',
    hub: `${refs.hub}::text`,
  });
  return `found AS (
         SELECT i.id, i.contact_id FROM contact_identities i
          WHERE i.tenant_id = ${refs.tenantId}
            AND (i.type, i.value) IN (SELECT * FROM unnest(${refs.types}::text[], ${refs.values}::text[]))),
       first AS (SELECT contact_id FROM found ORDER BY id LIMIT 1),
       recipient AS (
         SELECT read.*,
                md5(ROW(read.contact_id, read.known, read.last_inbound_at, read.rule_facts::text)::text) AS fingerprint
           FROM (SELECT first.contact_id,
                        (SELECT count(*) FROM found)::int AS known,
                        (SELECT c.last_inbound_at FROM conversations c
                          WHERE c.channel_account_id = ${refs.accountId} AND c.contact_id = first.contact_id) AS last_inbound_at,
                        ${facts ?? 'NULL::json'} AS rule_facts,
                        -- Typed even when no rule reads it: an untyped parameter fails the statement.
                        ${refs.hub}::text AS hub
                   -- OFFSET 0 keeps the read a subquery of its own: pulled up into the outer
                   -- SELECT, each lookup ran twice (once for the column, once for the md5).
                   FROM first OFFSET 0) read)`;
}

/**
 * The read, when every one of `identityCount` distinct identities was found (a recipient
 * known only in part is completed by ContactsService.resolve, not decided on here).
 */
export function recipientOf(
  row: RecipientRow | undefined,
  identityCount: number,
): RecipientRead | undefined {
  if (!row?.contact_id || row.known !== identityCount || !row.fingerprint) return undefined;
  return {
    contactId: row.contact_id,
    lastInboundAt: row.last_inbound_at,
    ...(row.rule_facts && { ruleFacts: row.rule_facts }),
    fingerprint: row.fingerprint,
  };
}
