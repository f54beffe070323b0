import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { uuidV7Floor } from '@core/database/ids';
import type { MessageDirection } from '../entities/message.entity';
import {
  acknowledgeCtes,
  leaseCtes,
  leasedStreamsSelect,
  Params,
  positionSql,
} from './event-delivery.sql';
import type {
  Acknowledgement,
  LeasedStream,
  LeaseOptions,
  LeaseRequest,
  StreamCursor,
} from './event-poll';
import type { MessagingEvent, MessagingEventType } from './messaging-event';

const DAY_MS = 86_400_000;

export interface DeadLetterRow {
  id: string;
  subscriber: string;
  attempts: number;
  lastError: string;
  deadAt: Date;
  event: MessagingEvent;
}

interface EventRow {
  id: string;
  tenant_id: string;
  stream_id: string;
  seq: string | number;
  type: MessagingEventType;
  conversation_id: string | null;
  message_id: string | null;
  contact_id: string | null;
  status: string | null;
  error_code: string | null;
  occurred_at: string | Date;
}

interface LeaseRow {
  stream_id: string | null;
  /** The subscribers standing where their own cursor row says; null when none does. */
  cursors:
    | {
        subscriber: string;
        delivered_seq: number;
        attempts: number;
        retry_at: string | null;
      }[]
    | null;
  settled_seq: string | null;
  settled_for: string[] | null;
  floor_seq: string;
  events: (EventRow & CarriedColumns)[] | null;
}

/** Read with each leased event for its subscribers (see MessagingEvent). */
interface CarriedColumns {
  channel_account_id: string | null;
  hub: string | null;
  direction: MessageDirection | null;
  message_type: string | null;
}

/**
 * The delivery side of the event stream, in as few statements as a poll allows: one leases a
 * batch of streams and reads their pending events and cursors, one acknowledges the whole
 * batch (cursors, dead letters, the streams' release); a loop that goes straight on to its
 * next poll does both in one (acknowledgeAndLease). Recording is not here: it is part of each
 * change's own statement (record-events.sql.ts).
 */
@Injectable()
export class DomainEventsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Leases up to `limit` streams that some subscriber is behind on and that nobody holds, for
   * `leaseMs`, under `token`. Events are read after the slowest subscriber's cursor, at most
   * `eventsPerStream` per stream; a seq never commits before a lower one of its stream, so
   * what is read is a gap-free prefix.
   */
  async lease(
    token: string,
    subscribers: readonly string[],
    options: LeaseOptions,
  ): Promise<LeasedStream[]> {
    const params = new Params();
    const rows: LeaseRow[] = await this.db.query(
      `WITH ${leaseCtes(params, { token, subscribers, options })}
       ${leasedStreamsSelect(params, options)}`,
      params.values,
    );
    return toLeasedStreams(rows, subscribers);
  }

  /**
   * Stores what a poll delivered and releases its streams, in one statement. Each stream
   * records where all of `subscriberSet` stand at least (its settled seq); the outcome's
   * cursors are the subscribers standing elsewhere, kept as rows. A stream whose lease another
   * worker has taken since (this one was too slow) is left alone, cursors and all: that worker
   * delivers again from the stored positions.
   */
  async acknowledge(ack: Acknowledgement): Promise<void> {
    if (!ack.outcomes.length) return;
    const params = new Params();
    await this.db.query(`WITH ${acknowledgeCtes(params, ack)} SELECT 1`, params.values);
  }

  /**
   * `acknowledge` and then `lease`, in one statement, for a loop going straight on to its next
   * poll: both commit or neither does, so a crash after it redelivers only the new batch, and
   * one before it the old one (at least once either way). The streams just released are not
   * leased again here (the statement's snapshot still shows them leased): `releasedDue` says
   * whether any of them is due again (events recorded meanwhile) for the caller to lease.
   */
  async acknowledgeAndLease(
    ack: Acknowledgement,
    next: LeaseRequest,
  ): Promise<{ streams: LeasedStream[]; releasedDue: boolean }> {
    const params = new Params();
    const rows: (LeaseRow & { released_due: boolean | null })[] = await this.db.query(
      `WITH ${acknowledgeCtes(params, ack)},
       ${leaseCtes(params, next, 'released')}
       SELECT (SELECT bool_or(due) FROM released) AS released_due, leased.*
         FROM (SELECT 1) AS always LEFT JOIN (${leasedStreamsSelect(params, next.options)}) leased ON true`,
      params.values,
    );
    return {
      streams: toLeasedStreams(
        rows.filter((row) => row.stream_id !== null),
        next.subscribers,
      ),
      releasedDue: rows[0]?.released_due ?? false,
    };
  }

  /**
   * The id of a set of subscriber names (sorted), recorded on first use: a stream settled by
   * a deployment with these subscribers names the set it was settled for.
   */
  async subscriberSet(subscribers: readonly string[]): Promise<number> {
    // DO UPDATE (a no-op write) rather than DO NOTHING: the row comes back whether this call
    // or a concurrent one added it.
    const [{ id }]: { id: number }[] = await this.db.query(
      `INSERT INTO domain_event_subscriber_sets (subscribers) VALUES ($1::text[])
       ON CONFLICT (subscribers) DO UPDATE SET subscribers = EXCLUDED.subscribers
       RETURNING id`,
      [[...subscribers].sort()],
    );
    return id;
  }

  /**
   * Dead letters, oldest first, keyset by id; of one tenant, these ids, or those dead since a
   * moment, when given.
   */
  async deadLetters({
    tenantId,
    after,
    ids,
    since,
    limit,
  }: {
    tenantId?: string;
    after?: string;
    ids?: readonly string[];
    since?: Date;
    limit: number;
  }): Promise<DeadLetterRow[]> {
    const rows: (EventRow & {
      dead_letter_id: string;
      subscriber: string;
      attempts: number;
      last_error: string;
      dead_at: Date;
    })[] = await this.db.query(
      `SELECT d.id AS dead_letter_id, d.subscriber, d.attempts, d.last_error, d.dead_at,
              e.id, e.tenant_id, e.stream_id, e.seq, e.type, e.conversation_id, e.message_id,
              e.contact_id, e.status, e.error_code, e.occurred_at
         FROM domain_event_dead_letters d JOIN domain_events e ON e.id = d.event_id
        WHERE ($1::uuid IS NULL OR d.tenant_id = $1) AND ($2::uuid IS NULL OR d.id > $2)
          AND ($4::uuid[] IS NULL OR d.id = ANY($4)) AND ($5::timestamptz IS NULL OR d.dead_at >= $5)
        ORDER BY d.id LIMIT $3`,
      [tenantId ?? null, after ?? null, limit, ids ?? null, since ?? null],
    );
    return rows.map((row) => ({
      id: row.dead_letter_id,
      subscriber: row.subscriber,
      attempts: row.attempts,
      lastError: row.last_error,
      deadAt: row.dead_at,
      event: toEvent(row),
    }));
  }

  /** How many dead letters there are (the `dead_letters` gauge, the queue counts). */
  async countDeadLetters(): Promise<number> {
    const rows: { count: string }[] = await this.db.query(
      `SELECT count(*) AS count FROM domain_event_dead_letters`,
    );
    return Number(rows[0]?.count ?? 0);
  }

  /**
   * Drops dead letters without delivering them: the subscriber's cursor is already past the
   * event, so it is never delivered to that subscriber again (and retention may delete it).
   * Returns the ids dropped and their tenants.
   */
  async discardDeadLetters(ids: readonly string[]): Promise<{ id: string; tenantId: string }[]> {
    if (!ids.length) return [];
    const [rows]: [{ id: string; tenantId: string }[], number] = await this.db.query(
      `DELETE FROM domain_event_dead_letters WHERE id = ANY($1::uuid[])
       RETURNING id, tenant_id AS "tenantId"`,
      [ids],
    );
    return rows;
  }

  /**
   * Re-drives dead letters: the subscriber's cursor in the event's stream goes back to just
   * before it and the stream is due again, so the event and everything after it are
   * delivered again in order (subscribers already dedupe by event id). A stream a live worker
   * holds right now is left for a later call; returns the ids re-driven.
   */
  async redrive(ids: readonly string[]): Promise<string[]> {
    return this.db.transaction(async (tx) => {
      // The streams' settled positions become rows first, so that the rewound cursor row is
      // what positions its subscriber and the others stay where they were.
      const chosen: { id: string }[] = await tx.query(
        `WITH chosen AS (
           SELECT d.id, e.stream_id
             FROM domain_event_dead_letters d
             JOIN domain_events e ON e.id = d.event_id
             JOIN domain_event_streams s ON s.stream_id = e.stream_id
            WHERE d.id = ANY($1::uuid[]) AND (s.leased_by IS NULL OR s.available_at < now())
            FOR UPDATE OF d, s),
         settled AS (
           SELECT s.stream_id, s.settled_seq, ss.subscribers AS settled_for
             FROM domain_event_streams s JOIN domain_event_subscriber_sets ss ON ss.id = s.settled_set
            WHERE s.stream_id IN (SELECT stream_id FROM chosen) AND s.settled_seq IS NOT NULL),
         materialized AS (
           INSERT INTO domain_event_cursors AS cur (subscriber, stream_id, delivered_seq, attempts, retry_at)
           SELECT sub, st.stream_id, st.settled_seq, 0, NULL FROM settled st CROSS JOIN unnest(st.settled_for) AS sub
           ON CONFLICT (subscriber, stream_id) DO UPDATE SET
             delivered_seq = EXCLUDED.delivered_seq, attempts = 0, retry_at = NULL
            WHERE cur.delivered_seq < EXCLUDED.delivered_seq),
         unsettled AS (
           UPDATE domain_event_streams SET settled_seq = NULL, settled_set = NULL
            WHERE stream_id IN (SELECT stream_id FROM settled))
         SELECT id FROM chosen`,
        [ids],
      );
      if (!chosen.length) return [];
      const rows: { id: string }[] = await tx.query(
        `WITH chosen AS (
           SELECT d.id, d.subscriber, e.stream_id, e.seq
             FROM domain_event_dead_letters d JOIN domain_events e ON e.id = d.event_id
            WHERE d.id = ANY($1::uuid[])),
         rewound AS (
           INSERT INTO domain_event_cursors AS cur (subscriber, stream_id, delivered_seq, attempts, retry_at)
           SELECT subscriber, stream_id, min(seq) - 1, 0, NULL FROM chosen GROUP BY 1, 2
           ON CONFLICT (subscriber, stream_id) DO UPDATE SET
             delivered_seq = LEAST(cur.delivered_seq, EXCLUDED.delivered_seq), attempts = 0, retry_at = NULL),
         woken AS (
           UPDATE domain_event_streams
              SET pending = true, available_at = NULL, leased_by = NULL
            WHERE stream_id IN (SELECT stream_id FROM chosen)),
         removed AS (DELETE FROM domain_event_dead_letters WHERE id IN (SELECT id FROM chosen))
         SELECT id FROM chosen`,
        [chosen.map((row) => row.id)],
      );
      return rows.map((row) => row.id);
    });
  }

  /**
   * Deletes up to `limit` events older than `days` that every subscriber has had (a dead
   * letter's event stays until it is re-driven and delivered); returns how many.
   */
  async deleteDelivered(
    days: number,
    subscribers: readonly string[],
    limit: number,
  ): Promise<number> {
    // An event's id is a UUIDv7 of the moment it was recorded: the oldest are the lowest ids.
    const before = uuidV7Floor(new Date(Date.now() - days * DAY_MS));
    // Like UPDATE, a DELETE answers `[rows, affectedCount]`.
    const [, count]: [unknown[], number] = await this.db.query(
      `DELETE FROM domain_events WHERE id IN (
         SELECT e.id FROM domain_events e
          WHERE e.id < $1
            AND NOT EXISTS (SELECT 1 FROM domain_event_dead_letters d WHERE d.event_id = e.id)
            AND NOT EXISTS (
              SELECT 1 FROM unnest($2::text[]) AS sub
                CROSS JOIN (SELECT st.settled_seq, ss.subscribers AS settled_for
                              FROM domain_event_streams st
                              LEFT JOIN domain_event_subscriber_sets ss ON ss.id = st.settled_set
                             WHERE st.stream_id = e.stream_id) s
                LEFT JOIN domain_event_cursors c ON c.subscriber = sub AND c.stream_id = e.stream_id
               WHERE ${positionSql('c', 's')} < e.seq)
          ORDER BY e.id LIMIT $3)
       RETURNING id`,
      [before, subscribers, limit],
    );
    return count;
  }
}

/**
 * Each of `subscribers` placed in each leased stream: where its own cursor row says, when the
 * lease returned one, otherwise where positionSql puts a subscriber without a row (where the
 * stream settled, for the subscribers it settled for; at the start otherwise), never below the
 * stream's floor.
 */
function toLeasedStreams(rows: LeaseRow[], subscribers: readonly string[]): LeasedStream[] {
  return rows.map((row) => {
    const own = new Map((row.cursors ?? []).map((cursor) => [cursor.subscriber, cursor]));
    const settledFor = new Set(row.settled_for ?? []);
    const settledSeq = row.settled_seq === null ? null : Number(row.settled_seq);
    const floor = Number(row.floor_seq);
    return {
      streamId: row.stream_id as string,
      cursors: subscribers.map((subscriber): StreamCursor => {
        const cursor = own.get(subscriber);
        if (cursor) {
          return {
            subscriber,
            deliveredSeq: Number(cursor.delivered_seq),
            attempts: cursor.attempts,
            retryAt: cursor.retry_at ? new Date(cursor.retry_at) : null,
          };
        }
        const standing = settledSeq !== null && settledFor.has(subscriber) ? settledSeq : 0;
        return { subscriber, deliveredSeq: Math.max(standing, floor), attempts: 0, retryAt: null };
      }),
      events: (row.events ?? []).map((event) => ({ ...toEvent(event), ...carried(event) })),
    };
  });
}

function toEvent(row: EventRow): MessagingEvent {
  return {
    id: row.id,
    type: row.type,
    tenantId: row.tenant_id,
    streamId: row.stream_id,
    seq: Number(row.seq),
    ...(row.conversation_id && { conversationId: row.conversation_id }),
    ...(row.message_id && { messageId: row.message_id }),
    ...(row.contact_id && { contactId: row.contact_id }),
    ...(row.status && { status: row.status }),
    ...(row.error_code && { errorCode: row.error_code }),
    occurredAt: new Date(row.occurred_at),
  };
}

function carried(row: CarriedColumns): Partial<MessagingEvent> {
  return {
    ...(row.channel_account_id && { channelAccountId: row.channel_account_id }),
    ...(row.hub && { hub: row.hub }),
    ...(row.direction &&
      row.message_type && { direction: row.direction, messageType: row.message_type }),
  };
}
