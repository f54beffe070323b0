import type { PlatformError } from '@core/errors/platform-error';

/** One run of a send, as the sender sees it: plain data, no queue job. */
export interface SendAttempt {
  messageId: string;
  /**
   * The account the message was accepted for, when the job names it: its token can then be
   * taken before the message is read (SendPacing).
   */
  channelAccountId?: string;
  /** 1 for the first run that may call the platform, 2 for the first retry... */
  attempt: number;
  /** No retry follows this one: a retryable failure now fails the message. */
  isLastAttempt: boolean;
}

/** Where a send ended for good (what the outbound job returns). */
export type SendOutcome = 'sent' | 'failed' | 'skipped' | 'unknown';

/** Why a send waits without spending an attempt. */
export type SendDelayReason = 'paced' | 'circuit-open' | 'claimed';

/**
 * What the sender decided for one run of a send. The sender records the message's state in
 * PostgreSQL; the outbound processor alone turns the decision into queue moves:
 *
 * - an outcome (`sent`, `failed`, `unknown`, `skipped`) completes the job;
 * - `delay`: run again in `ms` without spending an attempt (no token for the account yet, its
 *   circuit is open and calls are paused, or another run holds a live claim on the message);
 * - `retry`: the platform failed retryably and attempts are left; the queue's backoff decides
 *   when, never sooner than the wait the platform asked for (`cause.retryAfterMs`).
 *
 * A failure of our own machinery (PostgreSQL, Redis) is not a decision: it is thrown, and the
 * processor's outage handling takes it.
 */
export type SendDecision =
  | { readonly kind: SendOutcome }
  | { readonly kind: 'delay'; readonly ms: number; readonly reason: SendDelayReason }
  | { readonly kind: 'retry'; readonly cause: PlatformError };

export const SendDecision = {
  outcome: (kind: SendOutcome): SendDecision => ({ kind }),
  delay: (ms: number, reason: SendDelayReason): SendDecision => ({ kind: 'delay', ms, reason }),
  retry: (cause: PlatformError): SendDecision => ({ kind: 'retry', cause }),
};
