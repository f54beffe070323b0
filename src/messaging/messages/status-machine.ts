import type { MessageStatus } from '../entities/message.entity';

/**
 * Outbound delivery status only moves forward: queued < sent < delivered < read; failed is
 * final. Platforms deliver status webhooks late, twice and out of order (a `sent` after `read`
 * is common), so every update is checked against this order, in SQL (see
 * MessagesRepository.applyStatus) and here for code that decides before writing.
 */
export const STATUS_RANK: Readonly<Record<Exclude<MessageStatus, 'received'>, number>> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  failed: 4,
};

export type OutboundStatus = keyof typeof STATUS_RANK;

/** The status after `update` arrives while the message is `current`. */
export function nextStatus(current: OutboundStatus, update: OutboundStatus): OutboundStatus {
  if (current === 'failed') return current;
  // A failure reported after the recipient read the message contradicts the read: keep read.
  if (update === 'failed') return current === 'read' ? current : 'failed';
  return STATUS_RANK[update] > STATUS_RANK[current] ? update : current;
}

/** SQL expression ranking the `status` column like STATUS_RANK (failed handled separately). */
export const STATUS_RANK_SQL = `CASE status WHEN 'queued' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 4 END`;
