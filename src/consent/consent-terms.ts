/**
 * The words of the consent ledger. A decision is about one purpose (or every purpose, `*`) on
 * one channel (a hub such as `whatsapp` or `instagram`, or every channel, `*`).
 */
export const EVERY = '*';

export const CONSENT_STATES = ['granted', 'withdrawn'] as const;
/**
 * `restored` is what an opt-in keyword records: it lifts the blanket withdrawals before it
 * on its channel (an earlier STOP), bringing back defaults and earlier specific decisions,
 * without granting a purpose the contact never granted.
 */
export type ConsentState = (typeof CONSENT_STATES)[number] | 'restored';

export const CONSENT_SOURCES = ['api', 'keyword', 'bitrix24', 'import'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/** What proves a decision. The IP address and user agent are given by a web form only. */
export interface ConsentEvidence {
  messageId?: string;
  /** The consent wording the person was shown. */
  wording?: string;
  ipAddress?: string;
  userAgent?: string;
  /** Set on decisions carried over from a contact merged into this one. */
  mergedFrom?: { contactId: string; eventId: string };
}

/** The current decision for one scope of one contact. */
export interface ScopedDecision {
  purpose: string;
  channel: string;
  state: ConsentState;
  occurredAt: Date;
}

/** Lower case, digits, underscores and dashes: hub names and `*`. */
export const CHANNEL_PATTERN = /^(\*|[a-z][a-z0-9_-]{0,31})$/;
