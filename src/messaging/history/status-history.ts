import type { MessageStatus } from '@app/messaging/entities/message.entity';

export interface StatusTimestamps {
  direction: 'inbound' | 'outbound';
  status: MessageStatus;
  /** Set only on messages a platform told us about (inbound, or sent from another client). */
  platformTimestamp: Date | null;
  createdAt: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  failedAt: Date | null;
}

export interface StatusHistoryEntry {
  status: MessageStatus;
  at: Date;
}

/**
 * A message's status history, rebuilt from its per-status timestamps in lifecycle order
 * (received|queued, sent, delivered, read, failed). Lifecycle order rather than clock order:
 * platform timestamps can be skewed against ours, and the status itself only moves forward.
 *
 * An outbound message the business sent from another client (the phone app) reached us as
 * already `sent`, so it has no `queued` step. A `failed` report after `read` is kept out of the
 * status by the status machine (the read contradicts it), so it is left out here too.
 */
export function statusHistory(message: StatusTimestamps): StatusHistoryEntry[] {
  const history: StatusHistoryEntry[] = [];
  if (message.direction === 'inbound') {
    history.push({ status: 'received', at: message.createdAt });
    return history;
  }
  if (message.platformTimestamp === null) history.push({ status: 'queued', at: message.createdAt });
  if (message.sentAt) history.push({ status: 'sent', at: message.sentAt });
  if (message.deliveredAt) history.push({ status: 'delivered', at: message.deliveredAt });
  if (message.readAt) history.push({ status: 'read', at: message.readAt });
  if (message.failedAt && message.status === 'failed') {
    history.push({ status: 'failed', at: message.failedAt });
  }
  return history;
}
