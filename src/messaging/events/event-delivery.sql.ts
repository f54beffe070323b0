import type { Acknowledgement, LeaseOptions, LeaseRequest } from './event-poll';

/**
 * The SQL of a poll (DomainEventsRepository), as CTE bodies a statement puts together: the
 * lease alone, the acknowledgement alone, or both in one statement for a loop going on.
 */

/** Placeholders for a statement's parameters, numbered in the order they are bound. */
export class Params {
  readonly values: unknown[] = [];

  bind(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export const EVENT_COLUMNS = `id, tenant_id, stream_id, seq, type, conversation_id, message_id,
                              contact_id, status, error_code, occurred_at`;

/**
 * `released` (stream_id and whether it is due again, per stream released), `cursors` and
 * `dead`: stores a poll's outcomes and releases its streams. Only streams still leased under
 * the poll's token are touched, cursors and dead letters included.
 */
export function acknowledgeCtes(params: Params, ack: Acknowledgement): string {
  const { outcomes } = ack;
  const cursors = outcomes.flatMap((o) => o.cursors.map((c) => ({ ...c, streamId: o.streamId })));
  const dead = outcomes.flatMap((o) => o.deadLetters);
  const $ = (value: unknown) => params.bind(value);
  return `released AS (
         UPDATE domain_event_streams s SET
           leased_by = NULL,
           settled_seq = r.settled,
           settled_set = ${$(ack.subscriberSet)},
           pending = s.last_seq > r.settled,
           -- events recorded meanwhile are due at once for the subscribers not backing off
           available_at = CASE WHEN s.last_seq > r.ready THEN NULL ELSE r.retry_at END
           FROM unnest(${$(outcomes.map((o) => o.streamId))}::uuid[],
                       ${$(outcomes.map((o) => o.settledSeq))}::bigint[],
                       ${$(outcomes.map((o) => o.readySeq))}::bigint[],
                       ${$(outcomes.map((o) => o.retryAt))}::timestamptz[])
                AS r(stream_id, settled, ready, retry_at)
          -- = ANY as well: it lets the planner find the rows by key rather than hash a small
          -- (and, between vacuums, bloated) stream table whole against the list.
          WHERE s.stream_id = r.stream_id AND s.stream_id = ANY(${$(outcomes.map((o) => o.streamId))}::uuid[])
            AND s.leased_by = ${$(ack.token)}
          RETURNING s.stream_id,
                    s.pending AND (s.available_at IS NULL OR s.available_at <= now()) AS due),
       cursors AS (
         INSERT INTO domain_event_cursors AS cur (subscriber, stream_id, delivered_seq, attempts, retry_at)
         SELECT c.subscriber, c.stream_id, c.delivered_seq, c.attempts, c.retry_at
           FROM unnest(${$(cursors.map((c) => c.subscriber))}::text[],
                       ${$(cursors.map((c) => c.streamId))}::uuid[],
                       ${$(cursors.map((c) => c.deliveredSeq))}::bigint[],
                       ${$(cursors.map((c) => c.attempts))}::int[],
                       ${$(cursors.map((c) => c.retryAt))}::timestamptz[])
                AS c(subscriber, stream_id, delivered_seq, attempts, retry_at)
           JOIN released USING (stream_id)
         ON CONFLICT (subscriber, stream_id) DO UPDATE SET
           delivered_seq = EXCLUDED.delivered_seq, attempts = EXCLUDED.attempts, retry_at = EXCLUDED.retry_at),
       dead AS (
         INSERT INTO domain_event_dead_letters (id, subscriber, event_id, tenant_id, attempts, last_error)
         SELECT d.id, d.subscriber, d.event_id, e.tenant_id, d.attempts, d.last_error
           FROM unnest(${$(dead.map((d) => d.id))}::uuid[],
                       ${$(dead.map((d) => d.subscriber))}::text[],
                       ${$(dead.map((d) => d.eventId))}::uuid[],
                       ${$(dead.map((d) => d.attempts))}::int[],
                       ${$(dead.map((d) => d.error))}::text[])
                AS d(id, subscriber, event_id, attempts, last_error)
           JOIN domain_events e ON e.id = d.event_id
           JOIN released ON released.stream_id = e.stream_id
         ON CONFLICT (subscriber, event_id) DO UPDATE SET
           attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error, dead_at = now())`;
}

/**
 * `claimed`, `floors`, `positions` and `streams`: leases due streams nobody holds and places
 * each subscriber in them. After `released` (the CTE of acknowledgeCtes, when given), whose
 * streams are left out: one statement may not change a row twice, and reading `released`
 * first makes the acknowledgement take its row locks before the lease holds any, as a lone
 * acknowledgement does (a recording transaction waiting on a leased stream never waits on us
 * while we wait on it).
 */
export function leaseCtes(params: Params, request: LeaseRequest, released?: string): string {
  const $ = (value: unknown) => params.bind(value);
  const { limit, leaseMs } = request.options;
  return `claimed AS (
         UPDATE domain_event_streams s
            SET leased_by = ${$(request.token)},
                available_at = now() + make_interval(secs => ${$(leaseMs)}::double precision / 1000)
          WHERE s.stream_id IN (
            SELECT stream_id FROM domain_event_streams
             WHERE pending AND (available_at IS NULL OR available_at <= now())
               ${released ? `AND stream_id NOT IN (SELECT stream_id FROM ${released})` : ''}
             ORDER BY available_at NULLS FIRST LIMIT ${$(limit)}
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
                CASE WHEN ${settledSql('cur', 'f')} THEN NULL ELSE cur.retry_at END AS retry_at,
                cur.delivered_seq IS NOT NULL AND (${settledSql('cur', 'f')}) IS NOT TRUE AS own_row
           FROM floors f CROSS JOIN unnest(${$(request.subscribers)}::text[]) AS sub
           -- Looked up by key for each leased stream (LIMIT keeps the planner from turning it
           -- into a join): as a join it hashed the whole cursor table, which grows with every
           -- conversation, on every poll.
           LEFT JOIN LATERAL (
             SELECT delivered_seq, attempts, retry_at FROM domain_event_cursors
              WHERE subscriber = sub AND stream_id = f.stream_id LIMIT 1) cur ON true),
       -- Only the subscribers standing where their own row says are spelled out: every other
       -- one stands where the stream settled or at its floor, which the stream's columns tell
       -- (see toLeasedStreams). Building a json object per stream and subscriber cost a
       -- quarter of a poll's time, and most streams have no rows at all.
       streams AS (
         SELECT stream_id, min(delivered_seq) AS slowest,
                json_agg(json_build_object('subscriber', subscriber, 'delivered_seq', delivered_seq,
                                           'attempts', attempts, 'retry_at', retry_at))
                  FILTER (WHERE own_row) AS cursors
           FROM positions GROUP BY stream_id)`;
}

/**
 * Per stream of `streams` (leaseCtes): the cursors its rows hold, where it settled (seq and
 * subscribers) and its floor (where its retained events begin), and its events after the
 * slowest subscriber, oldest first, each with what its subscribers would otherwise look up one
 * by one (see MessagingEvent): the account and hub of its conversation (the account itself for
 * an account's events), and its message's direction and type. Messaging's own tables, read by
 * primary key, within the event's tenant.
 */
export function leasedStreamsSelect(params: Params, options: LeaseOptions): string {
  return `SELECT s.stream_id, s.cursors, f.settled_seq, f.settled_for, f.seq AS floor_seq,
              (SELECT json_agg(e ORDER BY e.seq) FROM (
                 SELECT ev.*, acct.channel_account_id, a.hub, m.direction, m.type AS message_type
                   FROM (SELECT ${EVENT_COLUMNS} FROM domain_events
                          WHERE stream_id = s.stream_id AND seq > s.slowest
                          ORDER BY seq LIMIT ${params.bind(options.eventsPerStream)}) ev
                   -- Correlated lookups by key, one per event (LIMIT keeps each one): as joins,
                   -- the planner hashed a small conversations table whole for every stream.
                   CROSS JOIN LATERAL (
                     SELECT CASE WHEN ev.type = 'account.status_changed' THEN ev.stream_id
                                 ELSE (SELECT c.channel_account_id FROM conversations c
                                        WHERE c.id = ev.conversation_id AND c.tenant_id = ev.tenant_id)
                            END AS channel_account_id) acct
                   LEFT JOIN LATERAL (
                     SELECT hub FROM channel_accounts
                      WHERE id = acct.channel_account_id AND tenant_id = ev.tenant_id LIMIT 1) a ON true
                   LEFT JOIN LATERAL (
                     SELECT direction, type FROM messages
                      WHERE id = ev.message_id AND tenant_id = ev.tenant_id LIMIT 1) m ON true) e) AS events
         FROM streams s JOIN floors f USING (stream_id)`;
}

/**
 * Whether subscriber `sub` stands where its stream settled (domain_event_streams.settled_seq,
 * for the subscribers of the set it names) rather than where its cursor row says: the set
 * names it and its row, if any, lies behind (left from before the stream settled past it).
 * `cur` is its cursor row (may be null), `stream` has settled_seq and settled_for (the names).
 */
export function settledSql(cur: string, stream: string, sub = 'sub'): string {
  return `(${sub} = ANY(${stream}.settled_for) AND COALESCE(${cur}.delivered_seq, -1) < ${stream}.settled_seq)`;
}

/** The last seq subscriber `sub` has had in the stream (see settledSql). */
export function positionSql(cur: string, stream: string, sub = 'sub'): string {
  return `CASE WHEN ${settledSql(cur, stream, sub)} THEN ${stream}.settled_seq
               ELSE COALESCE(${cur}.delivered_seq, 0) END`;
}
