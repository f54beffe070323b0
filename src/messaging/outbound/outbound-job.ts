/** An `outbound` job names the message only; everything else is read from PostgreSQL. */
export interface OutboundJobData {
  messageId: string;
}

export const OutboundJob = {
  Send: 'send',
} as const;

/** How long an accepted send may wait for Redis before the sweeper takes over. */
export const ENQUEUE_TIMEOUT_MS = 1_000;
