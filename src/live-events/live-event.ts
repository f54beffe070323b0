import type { MessagingEventType } from '@app/messaging/events/messaging-event';

/** The event types a stream carries; a ticket or query may narrow them. */
export const LIVE_EVENT_TYPES = [
  'message.received',
  'message.accepted',
  'message.sent',
  'message.status_changed',
  'message.edited',
  'message.deleted',
  'conversation.opened',
  'account.status_changed',
  'appointment.changed',
] as const satisfies readonly MessagingEventType[];

export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];

/**
 * What a frontend needs to refetch: ids, type, status and error code, never message text.
 * `eventId` is the messaging event's id (stable across redeliveries); the SSE `id:` is the
 * position in the tenant's stream, which is what Last-Event-ID resumes from.
 */
export interface LiveEvent {
  eventId: string;
  type: LiveEventType;
  occurredAt: string;
  conversationId?: string;
  messageId?: string;
  channelAccountId?: string;
  /** The appointment an `appointment.changed` names (status: created, updated, moved, cancelled). */
  appointmentId?: string;
  contactId?: string;
  status?: string;
  errorCode?: string;
}

/** One event as the SSE wire carries it (`event:` names the type, `data:` one JSON line). */
export function sseFrame(id: string, event: LiveEvent): string {
  return `id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** A control message without an id, so it does not move the client's Last-Event-ID. */
export function sseControl(event: 'resync' | 'close', data: Record<string, unknown>): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

const STREAM_ID = /^(\d{1,16})-(\d{1,16})$/;

/** True for a Redis stream entry id (`<ms>-<seq>`), the only Last-Event-ID we hand out. */
export function isStreamId(value: string): boolean {
  return STREAM_ID.test(value);
}

/** Orders two Redis stream entry ids (`<ms>-<seq>`): negative, zero or positive. */
export function compareStreamIds(a: string, b: string): number {
  if (a === b) return 0;
  const aDash = a.indexOf('-');
  const bDash = b.indexOf('-');
  // both parts stay far below 2^53: exact as numbers
  return (
    Number(a.slice(0, aDash)) - Number(b.slice(0, bDash)) ||
    Number(a.slice(aDash + 1)) - Number(b.slice(bDash + 1))
  );
}

/** The time part of a stream entry id. */
export function streamIdTime(id: string): number {
  return Number(id.split('-')[0]);
}
