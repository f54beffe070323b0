import { AppConfig } from '@config/app-config';
import { Injectable, Logger } from '@nestjs/common';
import { newId } from '@core/database/ids';
import { withDeadline } from '@core/queue/with-deadline';
import { DomainEventsRepository } from './domain-events.repository';
import type { LeasedStream, LeaseRequest, StreamCursor, StreamOutcome } from './event-poll';
import { EventSubscriber, EventSubscribersRegistry } from './event-subscribers.registry';

/** Streams one poll leases; each is delivered concurrently with the others. */
const STREAMS_PER_POLL = 50;
const EVENTS_PER_STREAM = 100;
/** Long enough for a poll's work (see START_BY_MS); a dead worker's streams wait this long. */
export const LEASE_MS = 30_000;
/** One subscriber call; a later call waits for it, so it bounds a stream's stall. */
const HANDLER_TIMEOUT_MS = 10_000;
/** No call starts later than this into a poll, so the acknowledgement lands within the lease. */
const START_BY_MS = LEASE_MS - 2 * HANDLER_TIMEOUT_MS;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 5 * 60_000;
const ERROR_TEXT_MAX = 500;

/** The streams a poll leased, and how: its token, for the acknowledgement. */
export interface Poll {
  request: LeaseRequest;
  /** When the lease was asked for: calls start no later than START_BY_MS from here. */
  startedAt: number;
  streams: LeasedStream[];
}

/**
 * Hands recorded events to the subscribers, at least once and in order per stream. A poll
 * leases streams, walks each subscriber's cursor forward through the stream's events, and
 * acknowledges everything in one statement (which, when the loop goes on, leases the next
 * poll too): a crash before that statement means the same events are delivered again
 * (subscribers dedupe by id), never skipped. A subscriber that
 * throws waits out a backoff in that stream alone: other subscribers, and its other streams,
 * go on. After `maxAttempts` the event becomes a dead letter and the cursor moves past it.
 */
@Injectable()
export class EventDelivery {
  private readonly logger = new Logger(EventDelivery.name);
  private settledFor?: { key: string; id: Promise<number> };

  constructor(
    private readonly config: AppConfig,
    private readonly events: DomainEventsRepository,
    private readonly registry: EventSubscribersRegistry,
  ) {}

  /**
   * One poll on its own: leases, delivers and acknowledges; returns how many streams it
   * leased (0: nothing due).
   */
  async deliverOnce(): Promise<number> {
    const poll = await this.lease();
    if (poll.streams.length) await this.deliver(poll, () => false);
    return poll.streams.length;
  }

  /** Leases the streams of a poll (none when nothing is due). */
  async lease(): Promise<Poll> {
    const request = this.leaseRequest();
    return {
      request,
      startedAt: Date.now(),
      streams: request.subscribers.length
        ? await this.events.lease(request.token, request.subscribers, request.options)
        : [],
    };
  }

  /**
   * Delivers the poll's streams and acknowledges them. When `goOn()` still holds then, the
   * acknowledgement leases the next poll in the same statement and that poll is returned (its
   * streams empty when nothing is due); otherwise (shutting down) nothing more is leased.
   */
  async deliver(poll: Poll, goOn: () => boolean): Promise<Poll | undefined> {
    const outcomes = await Promise.all(
      poll.streams.map((stream) => this.deliverStream(stream, poll.startedAt)),
    );
    const ack = {
      token: poll.request.token,
      subscriberSet: await this.subscriberSet(poll.request.subscribers),
      outcomes,
    };
    if (!goOn()) {
      await this.events.acknowledge(ack);
      return undefined;
    }
    const request = this.leaseRequest();
    const startedAt = Date.now();
    const next = await this.events.acknowledgeAndLease(ack, request);
    // Streams this poll released with events recorded meanwhile could not be leased again by
    // the same statement: they are due now, as they would be to a lease of its own.
    if (!next.streams.length && next.releasedDue) return this.lease();
    return { request, startedAt, streams: next.streams };
  }

  private leaseRequest(): LeaseRequest {
    return {
      token: newId(),
      subscribers: this.registry.names(),
      options: { limit: STREAMS_PER_POLL, leaseMs: LEASE_MS, eventsPerStream: EVENTS_PER_STREAM },
    };
  }

  /** The id of the subscriber set streams are settled for, recorded once per process. */
  private subscriberSet(subscribers: readonly string[]): Promise<number> {
    const key = subscribers.join('\n');
    if (this.settledFor?.key !== key) {
      const id = this.events.subscriberSet(subscribers);
      this.settledFor = { key, id };
      // A failure is not kept: the next poll asks again.
      id.catch(() => {
        if (this.settledFor?.id === id) this.settledFor = undefined;
      });
    }
    return this.settledFor.id;
  }

  private async deliverStream(stream: LeasedStream, startedAt: number): Promise<StreamOutcome> {
    const now = new Date();
    const outcome: StreamOutcome = {
      streamId: stream.streamId,
      settledSeq: 0,
      readySeq: null,
      retryAt: null,
      cursors: [],
      deadLetters: [],
    };
    const finished = await Promise.all(
      stream.cursors.map((cursor) => this.advance(stream, cursor, now, startedAt, outcome)),
    );
    outcome.settledSeq = Math.min(...finished.map((c) => c.deliveredSeq));
    // Subscribers standing where the stream settles need no row of their own.
    outcome.cursors = finished.filter(
      (c) => c.deliveredSeq !== outcome.settledSeq || c.attempts !== 0 || c.retryAt !== null,
    );
    for (const cursor of finished) {
      if (cursor.retryAt && cursor.retryAt > now) {
        if (!outcome.retryAt || cursor.retryAt < outcome.retryAt) outcome.retryAt = cursor.retryAt;
      } else {
        outcome.readySeq = Math.min(outcome.readySeq ?? Infinity, cursor.deliveredSeq);
      }
    }
    return outcome;
  }

  /** Moves one subscriber through the stream's events; returns where its cursor ends. */
  private async advance(
    stream: LeasedStream,
    start: StreamCursor,
    now: Date,
    startedAt: number,
    outcome: StreamOutcome,
  ): Promise<StreamCursor> {
    const subscriber = this.registry.get(start.subscriber);
    if (!subscriber || (start.retryAt && start.retryAt > now)) return start;
    const cursor = { ...start };
    for (const event of stream.events) {
      if (event.seq <= cursor.deliveredSeq) continue;
      if (Date.now() - startedAt > START_BY_MS) break;
      if (subscriber.types.has(event.type)) {
        const error = await this.call(subscriber, event);
        if (error !== undefined) {
          cursor.attempts += 1;
          if (cursor.attempts < this.config.messagingEvents.maxAttempts) {
            cursor.retryAt = new Date(Date.now() + backoffMs(cursor.attempts));
            break;
          }
          this.logger.warn(
            { subscriber: subscriber.name, eventId: event.id, attempts: cursor.attempts },
            'A subscriber kept failing on an event; it is kept as a dead letter',
          );
          outcome.deadLetters.push({
            id: newId(),
            subscriber: subscriber.name,
            eventId: event.id,
            attempts: cursor.attempts,
            error,
          });
        }
      }
      cursor.deliveredSeq = event.seq;
      cursor.attempts = 0;
      cursor.retryAt = null;
    }
    return cursor;
  }

  /** Calls the subscriber; returns what went wrong, or undefined when it took the event. */
  private async call(
    subscriber: EventSubscriber,
    event: LeasedStream['events'][number],
  ): Promise<string | undefined> {
    try {
      await withDeadline(subscriber.handle(event), HANDLER_TIMEOUT_MS, subscriber.origin);
      return undefined;
    } catch (error) {
      // The error's own words, which subscribers (our code) keep free of personal data.
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.logger.warn(
        { subscriber: subscriber.name, eventId: event.id, reason: text.slice(0, ERROR_TEXT_MAX) },
        'A subscriber failed on an event; it is retried with backoff',
      );
      return text.slice(0, ERROR_TEXT_MAX);
    }
  }
}

/** 1 s, 2 s, 4 s... after the nth failure, at most 5 minutes. */
export function backoffMs(failures: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** (failures - 1), BACKOFF_MAX_MS);
}
