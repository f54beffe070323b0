import type { MessageDirection } from '../entities/message.entity';

/**
 * What messaging tells other modules, recorded in the same statement as the change (see
 * record-events.sql.ts). `contact.erased` is declared for consent's erasure, which records it;
 * `appointment.changed` for the calendar, which records it through DomainEventRecorder.
 */
export const MESSAGING_EVENT_TYPES = [
  'message.received',
  'message.accepted',
  'message.sent',
  'message.status_changed',
  'message.edited',
  'message.deleted',
  'conversation.opened',
  'contact.updated',
  'contact.erased',
  'account.status_changed',
  'appointment.changed',
] as const;

/** Types other modules record through DomainEventRecorder (the rest only messaging records). */
export const RECORDABLE_EVENT_TYPES = [
  'appointment.changed',
] as const satisfies readonly MessagingEventType[];

export type RecordableEventType = (typeof RECORDABLE_EVENT_TYPES)[number];

export type MessagingEventType = (typeof MESSAGING_EVENT_TYPES)[number];

/**
 * One event as a subscriber receives it: ids and types, never message text or phone numbers,
 * so a subscriber reads what it needs under the tenant's scope. Delivered at least once, in
 * `seq` order per stream (the conversation; the contact for contact events): a subscriber
 * keeps the ids it has handled, or makes its effect idempotent, by `id`.
 */
export interface MessagingEvent {
  /** Unique per event: the idempotency key. */
  id: string;
  type: MessagingEventType;
  tenantId: string;
  /**
   * The conversation; the contact for contact events; the channel account for account events;
   * the appointment for appointment events.
   */
  streamId: string;
  /** 1, 2, 3... per stream, without gaps. */
  seq: number;
  conversationId?: string;
  messageId?: string;
  contactId?: string;
  /**
   * The message's status after the change (status_changed, sent, received, accepted), or the
   * channel account's (account.status_changed: active, needs_reauth, disconnected, disabled;
   * or qr_updated, which announces a new pairing QR and leaves the account's status as it was),
   * or what happened to an appointment (appointment.changed: created, updated, moved, cancelled).
   */
  status?: string;
  /** The platform's or Omnihub's stable error code when the status is failed or unknown. */
  errorCode?: string;
  occurredAt: Date;
  /**
   * Read when the event is delivered, not recorded (so a dead letter listed later lacks them),
   * in the statement that leases it: what most subscribers would otherwise look up for every
   * event. The channel account the event belongs to: its conversation's, or the account itself
   * for `account.status_changed`; absent for contact and appointment events, and when the
   * conversation is gone.
   */
  channelAccountId?: string;
  /** That channel account's hub (whatsapp, instagram...). */
  hub?: string;
  /** The message's direction (message events); absent when it is gone (retention, erasure). */
  direction?: MessageDirection;
  /** The message's content type (text, image, template...), when `direction` is given. */
  messageType?: string;
}
