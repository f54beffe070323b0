import { Injectable } from '@nestjs/common';
import { DeadLetterRow, DomainEventsRepository } from './domain-events.repository';

export type EventDeadLetter = DeadLetterRow;

/** Which event dead letters to take: these ids and/or those dead since a moment. */
export interface EventDeadLetterFilter {
  /** Dead-letter ids; anything not a UUID matches nothing (ids from other queues are strings). */
  ids?: readonly string[];
  since?: Date;
  limit: number;
}

/** One dead letter acted on, with its tenant (for the caller's audit rows). */
export interface TouchedDeadLetter {
  id: string;
  tenantId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The event stream's dead letters (a subscriber gave up on an event after
 * MESSAGING_EVENTS_MAX_ATTEMPTS) for other modules' ops views, such as the hub queues routes:
 * listed, counted, re-driven and discarded without touching messaging's tables. Auditing is
 * the caller's, who knows who asked.
 */
@Injectable()
export class EventDeadLetters {
  constructor(private readonly events: DomainEventsRepository) {}

  list(filter: EventDeadLetterFilter): Promise<EventDeadLetter[]> {
    const ids = filter.ids?.filter((id) => UUID.test(id));
    if (ids && !ids.length) return Promise.resolve([]);
    return this.events.deadLetters({ ids, since: filter.since, limit: filter.limit });
  }

  count(): Promise<number> {
    return this.events.countDeadLetters();
  }

  /**
   * The subscriber gets the event (and the later ones of its conversation) again, in order.
   * A conversation a worker holds right now is left out (not returned): ask again.
   */
  async redrive(letters: readonly TouchedDeadLetter[]): Promise<TouchedDeadLetter[]> {
    if (!letters.length) return [];
    const done = new Set(await this.events.redrive(letters.map((letter) => letter.id)));
    return letters.filter((letter) => done.has(letter.id));
  }

  /** Drops them undelivered: the subscriber has gone on past the event. */
  discard(ids: readonly string[]): Promise<TouchedDeadLetter[]> {
    return this.events.discardDeadLetters(ids.filter((id) => UUID.test(id)));
  }
}
