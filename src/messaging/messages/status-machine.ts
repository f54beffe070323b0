import type { MessageStatus } from '../entities/message.entity';

/**
 * Outbound delivery status only moves forward: queued < sending|unknown < sent < delivered <
 * read; failed is final. Platforms deliver status webhooks late, twice and out of order (a
 * `sent` after `read` is common), so every update is checked against this order, in SQL (see
 * MessagesRepository.applyStatus) and here for code that decides before writing.
 *
 * `sending` is a worker's claim on the message while it calls the provider (two workers never
 * send one message); `unknown` is a send that may or may not have gone out (no answer after the
 * request was written, or a worker that died while sending). Neither is ever sent again by
 * itself: a status webhook, the platform's echo or an operator settles it.
 */
export const STATUS_RANK: Readonly<Record<Exclude<MessageStatus, 'received'>, number>> = {
  queued: 0,
  sending: 1,
  unknown: 1,
  sent: 2,
  delivered: 3,
  read: 4,
  failed: 5,
};

export type OutboundStatus = keyof typeof STATUS_RANK;

/** Statuses of a send whose platform id we may not know yet: an echo or a status may name it. */
export const UNSETTLED_SEND_STATUSES: readonly OutboundStatus[] = ['sending', 'unknown'];

/**
 * `queued`, as a statement changing one message by id binds it (`status = $n`), never writes it:
 * with `status = 'queued'` in the text the planner may find the id by scanning the partial index
 * of queued sends (messages_queued_enqueued_idx) rather than the key, and a generic plan made
 * while few sends waited keeps doing so as a backlog builds: every claim then read the whole
 * backlog (784-884 buffers a claim in the outbound benchmark's saturation runs, 32 by key).
 */
export const QUEUED_BOUND: OutboundStatus = 'queued';

/**
 * SQL: `column` (a message's status, or the status an update replaced) is one of a send not yet
 * settled as sent: queued, claimed, or of unknown outcome. Settling it is `message.sent`.
 */
export const notYetSentSql = (column = 'status'): string =>
  `${column} IN ('queued', 'sending', 'unknown')`;

/** The status after `update` arrives while the message is `current`. */
export function nextStatus(current: OutboundStatus, update: OutboundStatus): OutboundStatus {
  if (current === 'failed') return current;
  // A failure reported after the recipient read the message contradicts the read: keep read.
  if (update === 'failed') return current === 'read' ? current : 'failed';
  return STATUS_RANK[update] > STATUS_RANK[current] ? update : current;
}

/** SQL expression ranking the `status` column like STATUS_RANK (failed handled separately). */
export const STATUS_RANK_SQL = `CASE status WHEN 'queued' THEN 0 WHEN 'sending' THEN 1 WHEN 'unknown' THEN 1 WHEN 'sent' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE 5 END`;
