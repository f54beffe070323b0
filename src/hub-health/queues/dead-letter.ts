import type { Job } from 'bullmq';
import type { FailedSend } from '@app/messaging/operations/failed-sends.query';
import type { EventDeadLetter } from '@app/messaging/events/event-dead-letters';

/**
 * The messaging event stream seen as one more queue in the hub routes: its dead letters are
 * event deliveries to a subscriber that exhausted MESSAGING_EVENTS_MAX_ATTEMPTS.
 */
export const EVENTS_QUEUE = 'events';

/** How long failed sends stay in the dead-letter view (and count in `dead_letters`). */
export const DEAD_LETTER_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** Most failed jobs read or acted on per request: a dead-letter page is not a bulk export. */
export const MAX_JOBS_PER_CALL = 1_000;

/**
 * One dead letter: a job that exhausted its attempts (`job`), an outbound send that ended
 * `failed` (`send`), or an event a subscriber gave up on (`event`, queue `events`). `refs`
 * name what it was about (message, inbox event, delivery, event ids).
 */
export interface DeadLetter {
  kind: 'job' | 'send' | 'event';
  /**
   * The job id, the message id of a failed send, or the dead letter's id of an event delivery:
   * what retry and discard take.
   */
  id: string;
  queue: string;
  reason: string;
  attempts: number | null;
  failedAt: string | null;
  tenantId: string | null;
  refs: Record<string, string>;
}

const ID_FIELD = /(^id$|Id$)/;

export function fromJob(queue: string, job: Job): DeadLetter {
  const data = (job.data ?? {}) as Record<string, unknown>;
  const refs: Record<string, string> = {};
  // Ids only (fields named *Id holding short strings): job data may carry personal data.
  for (const [field, value] of Object.entries(data)) {
    if (ID_FIELD.test(field) && typeof value === 'string' && value.length <= 64)
      refs[field] = value;
  }
  return {
    kind: 'job',
    id: String(job.id),
    queue,
    reason: job.failedReason ?? 'unknown',
    attempts: job.attemptsMade,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    tenantId: typeof data.tenantId === 'string' ? data.tenantId : null,
    refs,
  };
}

export function fromSend(send: FailedSend): DeadLetter {
  return {
    kind: 'send',
    id: send.messageId,
    queue: 'outbound',
    reason: [send.errorCode, send.errorTitle].filter(Boolean).join(': ') || 'unknown',
    attempts: null,
    failedAt: new Date(send.failedAt).toISOString(),
    tenantId: send.tenantId,
    refs: { messageId: send.messageId, channelAccountId: send.channelAccountId, hub: send.hub },
  };
}

export function fromEvent(letter: EventDeadLetter): DeadLetter {
  const { event } = letter;
  const refs: Record<string, string> = {
    eventId: event.id,
    eventType: event.type,
    subscriber: letter.subscriber,
    streamId: event.streamId,
  };
  if (event.conversationId) refs.conversationId = event.conversationId;
  if (event.messageId) refs.messageId = event.messageId;
  if (event.contactId) refs.contactId = event.contactId;
  return {
    kind: 'event',
    id: letter.id,
    queue: EVENTS_QUEUE,
    reason: `${letter.subscriber}: ${letter.lastError}`,
    attempts: letter.attempts,
    failedAt: new Date(letter.deadAt).toISOString(),
    tenantId: event.tenantId,
    refs,
  };
}
