import type { MessagingEvent } from './messaging-event';

// What a poll of the event stream leases, delivers and acknowledges (DomainEventsRepository).

/** A subscriber's place in one stream. */
export interface StreamCursor {
  subscriber: string;
  deliveredSeq: number;
  attempts: number;
  retryAt: Date | null;
}

/** A stream leased for delivery: its events after the slowest cursor, oldest first. */
export interface LeasedStream {
  streamId: string;
  cursors: StreamCursor[];
  events: MessagingEvent[];
}

/** What one stream's delivery ended with, for the acknowledgement. */
export interface StreamOutcome {
  streamId: string;
  /** The lowest cursor of all subscribers: every event up to it is done with. */
  settledSeq: number;
  /** The lowest cursor of the subscribers not waiting out a backoff; null when all are. */
  readySeq: number | null;
  /** When the earliest backoff ends; null when nobody waits. */
  retryAt: Date | null;
  /** Subscribers standing elsewhere than settledSeq (ahead, or backing off), kept as rows. */
  cursors: StreamCursor[];
  deadLetters: {
    id: string;
    subscriber: string;
    eventId: string;
    attempts: number;
    error: string;
  }[];
}

/** How a poll leases: at most `limit` streams, for `leaseMs`, `eventsPerStream` events each. */
export interface LeaseOptions {
  limit: number;
  leaseMs: number;
  eventsPerStream: number;
}

/** A poll's acknowledgement: its outcomes, stored under the token it leased them with. */
export interface Acknowledgement {
  token: string;
  subscriberSet: number;
  outcomes: readonly StreamOutcome[];
}

/** What a lease asks for: streams for `token`, positioned for `subscribers`. */
export interface LeaseRequest {
  token: string;
  subscribers: readonly string[];
  options: LeaseOptions;
}
