import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MessagingEvent, MessagingEventType } from './messaging-event';

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

const EVENT_COLUMNS = `id, tenant_id, stream_id, seq, type, conversation_id, message_id, contact_id,
                       status, error_code, occurred_at`;

/**
 * The delivery side of the event stream, in as few statements as a poll allows: one leases a
 * batch of streams and reads their pending events and cursors, one acknowledges the whole
 * batch (cursors, dead letters, the streams' release). Recording is not here: it is part of
 * each change's own statement (record-events.sql.ts).
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
    {
      limit,
      leaseMs,
      eventsPerStream,
    }: { limit: number; leaseMs: number; eventsPerStream: number },
  ): Promise<LeasedStream[]> {
    const rows: {
      stream_id: string;
      cursors: {
        subscriber: string;
        delivered_seq: number;
        attempts: number;
        retry_at: string | null;
      }[];
      events: EventRow[] | null;
    }[] = await this.db.query(
      `WITH claimed AS (
         UPDATE domain_event_streams s
            SET leased_by = $1, available_at = now() + make_interval(secs => $2::double precision / 1000)
          WHERE s.stream_id IN (
            SELECT stream_id FROM domain_event_streams
             WHERE pending AND (available_at IS NULL OR available_at <= now())
             ORDER BY available_at NULLS FIRST LIMIT $3
             FOR UPDATE SKIP LOCKED)
          RETURNING s.stream_id, s.settled_seq, s.settled_set),
       -- Where the retained events begin: retention removed what lies below (events every
       -- subscriber of the time had), so a newer subscriber starts there. Read in this
       -- statement's snapshot, as the events are: when none is left, the stream's last seq.
       -- Materialized: inlined, each stream's floor was looked up again for every subscriber.
       floors AS MATERIALIZED (
         SELECT c.stream_id, c.settled_seq, ss.subscribers AS settled_for,
                COALESCE((SELECT min(seq) - 1 FROM domain_events WHERE stream_id = c.stream_id),
                         (SELECT last_seq FROM domain_event_streams WHERE stream_id = c.stream_id)) AS seq
           FROM claimed c LEFT JOIN domain_event_subscriber_sets ss ON ss.id = c.settled_set),
       positions AS (
         SELECT f.stream_id, sub AS subscriber,
                GREATEST(${positionSql('cur', 'f')}, f.seq) AS delivered_seq,
                CASE WHEN ${settledSql('cur', 'f')} THEN 0 ELSE COALESCE(cur.attempts, 0) END AS attempts,
                CASE WHEN ${settledSql('cur', 'f')} THEN NULL ELSE cur.retry_at END AS retry_at
           FROM floors f CROSS JOIN unnest($4::text[]) AS sub
           -- Looked up by key for each leased stream (LIMIT keeps the planner from turning it
           -- into a join): as a join it hashed the whole cursor table, which grows with every
           -- conversation, on every poll.
           LEFT JOIN LATERAL (
             SELECT delivered_seq, attempts, retry_at FROM domain_event_cursors
              WHERE subscriber = sub AND stream_id = f.stream_id LIMIT 1) cur ON true),
       streams AS (
         SELECT stream_id, min(delivered_seq) AS slowest,
                json_agg(json_build_object('subscriber', subscriber, 'delivered_seq', delivered_seq,
                                           'attempts', attempts, 'retry_at', retry_at)) AS cursors
           FROM positions GROUP BY stream_id)
       SELECT s.stream_id, s.cursors,
              (SELECT json_agg(e ORDER BY e.seq) FROM (
                 SELECT ${EVENT_COLUMNS} FROM domain_events
                  WHERE stream_id = s.stream_id AND seq > s.slowest
                  ORDER BY seq LIMIT $5) e) AS events
         FROM streams s`,
      [token, leaseMs, limit, subscribers, eventsPerStream],
    );
    return rows.map((row) => ({
      streamId: row.stream_id,
      cursors: row.cursors.map((cursor) => ({
        subscriber: cursor.subscriber,
        deliveredSeq: Number(cursor.delivered_seq),
        attempts: cursor.attempts,
        retryAt: cursor.retry_at ? new Date(cursor.retry_at) : null,
      })),
      events: (row.events ?? []).map(toEvent),
    }));
  }

  /**
   * Stores what a poll delivered and releases its streams, in one statement. Each stream
   * records where all of `subscriberSet` stand at least (its settled seq); the outcome's
   * cursors are the subscribers standing elsewhere, kept as rows. A stream whose lease another
   * worker has taken since (this one was too slow) is left alone, cursors and all: that worker
   * delivers again from the stored positions.
   */
  async acknowledge(
    token: string,
    subscriberSet: number,
    outcomes: readonly StreamOutcome[],
  ): Promise<void> {
    if (!outcomes.length) return;
    const cursors = outcomes.flatMap((o) => o.cursors.map((c) => ({ ...c, streamId: o.streamId })));
    const dead = outcomes.flatMap((o) => o.deadLetters);
    await this.db.query(
      `WITH released AS (
         UPDATE domain_event_streams s SET
           leased_by = NULL,
           settled_seq = r.settled,
           settled_set = $16,
           pending = s.last_seq > r.settled,
           -- events recorded meanwhile are due at once for the subscribers not backing off
           available_at = CASE WHEN s.last_seq > r.ready THEN NULL ELSE r.retry_at END
           FROM unnest($2::uuid[], $3::bigint[], $4::bigint[], $5::timestamptz[]) AS r(stream_id, settled, ready, retry_at)
          WHERE s.stream_id = r.stream_id AND s.leased_by = $1
          RETURNING s.stream_id),
       cursors AS (
         INSERT INTO domain_event_cursors AS cur (subscriber, stream_id, delivered_seq, attempts, retry_at)
         SELECT c.subscriber, c.stream_id, c.delivered_seq, c.attempts, c.retry_at
           FROM unnest($6::text[], $7::uuid[], $8::bigint[], $9::int[], $10::timestamptz[])
                AS c(subscriber, stream_id, delivered_seq, attempts, retry_at)
           JOIN released USING (stream_id)
         ON CONFLICT (subscriber, stream_id) DO UPDATE SET
           delivered_seq = EXCLUDED.delivered_seq, attempts = EXCLUDED.attempts, retry_at = EXCLUDED.retry_at),
       dead AS (
         INSERT INTO domain_event_dead_letters (id, subscriber, event_id, tenant_id, attempts, last_error)
         SELECT d.id, d.subscriber, d.event_id, e.tenant_id, d.attempts, d.last_error
           FROM unnest($11::uuid[], $12::text[], $13::uuid[], $14::int[], $15::text[])
                AS d(id, subscriber, event_id, attempts, last_error)
           JOIN domain_events e ON e.id = d.event_id
           JOIN released ON released.stream_id = e.stream_id
         ON CONFLICT (subscriber, event_id) DO UPDATE SET
           attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error, dead_at = now())
       SELECT 1`,
      [
        token,
        outcomes.map((o) => o.streamId),
        outcomes.map((o) => o.settledSeq),
        outcomes.map((o) => o.readySeq),
        outcomes.map((o) => o.retryAt),
        cursors.map((c) => c.subscriber),
        cursors.map((c) => c.streamId),
        cursors.map((c) => c.deliveredSeq),
        cursors.map((c) => c.attempts),
        cursors.map((c) => c.retryAt),
        dead.map((d) => d.id),
        dead.map((d) => d.subscriber),
        dead.map((d) => d.eventId),
        dead.map((d) => d.attempts),
        dead.map((d) => d.error),
        subscriberSet,
      ],
    );
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
    // Like UPDATE, a DELETE answers `[rows, affectedCount]`.
    const [, count]: [unknown[], number] = await this.db.query(
      `DELETE FROM domain_events WHERE id IN (
         SELECT e.id FROM domain_events e
          WHERE e.occurred_at < now() - make_interval(days => $1)
            AND NOT EXISTS (SELECT 1 FROM domain_event_dead_letters d WHERE d.event_id = e.id)
            AND NOT EXISTS (
              SELECT 1 FROM unnest($2::text[]) AS sub
                CROSS JOIN (SELECT st.settled_seq, ss.subscribers AS settled_for
                              FROM domain_event_streams st
                              LEFT JOIN domain_event_subscriber_sets ss ON ss.id = st.settled_set
                             WHERE st.stream_id = e.stream_id) s
                LEFT JOIN domain_event_cursors c ON c.subscriber = sub AND c.stream_id = e.stream_id
               WHERE ${positionSql('c', 's')} < e.seq)
          ORDER BY e.occurred_at LIMIT $3)
       RETURNING id`,
      [days, subscribers, limit],
    );
    return count;
  }
}

/**
 * Whether subscriber `sub` stands where its stream settled (domain_event_streams.settled_seq,
 * for the subscribers of the set it names) rather than where its cursor row says: the set
 * names it and its row, if any, lies behind (left from before the stream settled past it).
 * `cur` is its cursor row (may be null), `stream` has settled_seq and settled_for (the names).
 */
function settledSql(cur: string, stream: string, sub = 'sub'): string {
  return `(${sub} = ANY(${stream}.settled_for) AND COALESCE(${cur}.delivered_seq, -1) < ${stream}.settled_seq)`;
}

/** The last seq subscriber `sub` has had in the stream (see settledSql). */
function positionSql(cur: string, stream: string, sub = 'sub'): string {
  return `CASE WHEN ${settledSql(cur, stream, sub)} THEN ${stream}.settled_seq
               ELSE COALESCE(${cur}.delivered_seq, 0) END`;
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
