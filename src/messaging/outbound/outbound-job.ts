/**
 * An `outbound` job names the message, and the account it was accepted for when known (for
 * pacing ahead of the read; jobs re-added by the sweeper or a re-drive have none);
 * everything else is read from PostgreSQL.
 */
export interface OutboundJobData {
  messageId: string;
  channelAccountId?: string;
}

export const OutboundJob = {
  Send: 'send',
} as const;

/** How long an accepted send may wait for Redis before the sweeper takes over. */
export const ENQUEUE_TIMEOUT_MS = 1_000;
