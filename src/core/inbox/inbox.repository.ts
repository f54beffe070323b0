import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { Pool, QueryResult, QueryResultRow } from 'pg';
import { DataSource, QueryFailedError, Repository } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { storableText } from '@core/api/storable-text';
import { InboundEventEntity } from './entities/inbound-event.entity';

export interface NewInboundEvent {
  id: string;
  source: string;
  externalId: string;
  tenantId: string | null;
  accountRef: string | null;
  /** The payload as JSON text PostgreSQL's jsonb accepts (storableJson). */
  payloadJson: string;
}

/** A row the sweeper must (re-)enqueue. */
export interface PendingInboundEvent {
  id: string;
  source: string;
}

/** Longest error text kept on a row: enough to diagnose, too short to hoard payload copies. */
const MAX_ERROR_LENGTH = 1_000;

/** Every SQL statement on `inbound_events`, so the indexes they rely on are reviewed in one place. */
@Injectable()
export class InboxRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(InboundEventEntity) private readonly rows: Repository<InboundEventEntity>,
  ) {}

  /**
   * Stores each event unless its (source, external_id) is already there, all in one statement
   * (intake's group commit), so concurrent deliveries of the same event race inside PostgreSQL
   * and exactly one wins. Returns the ids of the rows it inserted: an event that already
   * existed, or appeared earlier in the same batch, is left out. Fails as a whole.
   *
   * Rows are stored already marked enqueued: intake adds their jobs right after this commit and
   * clears the mark (markNotEnqueued) only when that fails, so the common case costs one
   * statement instead of two. A process that dies between the commit and the add leaves a row
   * marked but without a job; the sweeper's stalled rule (enqueued, never attempted, older
   * than INBOX_SWEEP_STALLED_AFTER_MS) enqueues it.
   *
   * One parameter per value (VALUES), not one array per column (unnest): node-postgres writes
   * an array as one literal, escaping every quote of every payload, and PostgreSQL parses it
   * back; that was 2.6 % of intake's CPU (pg's escapeElement), a parameter costs neither.
   */
  async insertManyIfNew(events: readonly NewInboundEvent[]): Promise<Set<string>> {
    const { rows: inserted } = await this.query<{ id: string }>(
      `INSERT INTO inbound_events (id, source, external_id, tenant_id, account_ref, payload, enqueued_at)
       VALUES ${valuesList(events.length)}
       ON CONFLICT (source, external_id) DO NOTHING
       RETURNING id`,
      events.flatMap((event) => [
        event.id,
        event.source,
        event.externalId,
        event.tenantId,
        event.accountRef,
        event.payloadJson,
      ]),
    );
    return new Set(inserted.map((row) => row.id));
  }

  /**
   * Runs a statement on the driver's pg pool (with its statement-caching client), for intake's
   * INSERT: TypeORM's query() wraps each statement in a query runner, subscriber broadcasts
   * and a dozen promises, which on the busiest statement of the API role cost more CPU than
   * node-postgres itself (intake profile: typeorm 5.4 us per request against pg's 4). A failure
   * is wrapped as TypeORM wraps it (QueryFailedError), so it is logged and classified like
   * every other statement's.
   */
  private async query<Row extends QueryResultRow>(
    text: string,
    values: unknown[],
  ): Promise<QueryResult<Row>> {
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
    try {
      return await pool.query<Row>(text, values);
    } catch (error) {
      throw new QueryFailedError(text, values, error as Error);
    }
  }

  async findIdByExternalId(source: string, externalId: string): Promise<string | undefined> {
    const found: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM inbound_events WHERE source = $1 AND external_id = $2`,
      [source, externalId],
    );
    return found[0]?.id;
  }

  /** Their jobs could not be added: the sweeper enqueues them after INBOX_SWEEP_AFTER_MS. */
  async markNotEnqueued(ids: readonly string[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE inbound_events SET enqueued_at = NULL
        WHERE id = ANY($1::uuid[]) AND processed_at IS NULL AND attempts = 0`,
      [ids],
    );
  }

  findById(id: string): Promise<InboundEventEntity | null> {
    return this.rows.findOneBy({ id });
  }

  /**
   * A job ran for this row, so it was enqueued whatever `enqueued_at` says (a late enqueue after
   * a Redis blip): setting it here keeps the sweeper from re-enqueueing finished work.
   */
  async markProcessed(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE inbound_events
          SET processed_at = now(), attempts = attempts + 1,
              enqueued_at = COALESCE(enqueued_at, now())
        WHERE id = $1 AND processed_at IS NULL`,
      [id],
    );
  }

  async recordFailure(id: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE inbound_events
          SET attempts = attempts + 1, last_error = $2,
              enqueued_at = COALESCE(enqueued_at, now())
        WHERE id = $1`,
      [id, error.slice(0, MAX_ERROR_LENGTH)],
    );
  }

  /**
   * Locks up to `limit` unprocessed rows that need a job: never enqueued and received more
   * than `after.neverEnqueuedMs` ago, or enqueued more than `after.stalledMs` ago and never
   * attempted (Redis lost the job, or it still waits: re-adding the same job id is a no-op).
   * Runs `enqueue` on them and stamps them enqueued, all in one transaction. SKIP LOCKED lets
   * a second sweeper take the next rows instead of the same ones; if `enqueue` throws, the
   * transaction rolls back and the rows stay pending. Rows with failed attempts are left to
   * BullMQ's retries and dead letters. Returns how many were enqueued.
   */
  async withPendingBatch(
    after: { neverEnqueuedMs: number; stalledMs: number },
    limit: number,
    enqueue: (rows: PendingInboundEvent[]) => Promise<void>,
  ): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const pending: PendingInboundEvent[] = await manager.query(
        `SELECT id, source FROM inbound_events
          WHERE (enqueued_at IS NULL AND processed_at IS NULL
                 AND received_at < now() - make_interval(secs => $1::double precision / 1000))
             OR (processed_at IS NULL AND attempts = 0
                 AND enqueued_at < now() - make_interval(secs => $2::double precision / 1000))
          ORDER BY received_at
          LIMIT $3
          FOR UPDATE SKIP LOCKED`,
        [after.neverEnqueuedMs, after.stalledMs, limit],
      );
      if (!pending.length) return 0;
      await enqueue(pending);
      await manager.query(`UPDATE inbound_events SET enqueued_at = now() WHERE id = ANY($1)`, [
        pending.map((row) => row.id),
      ]);
      return pending.length;
    });
  }

  /**
   * Deletes up to `limit` processed rows received more than `days` ago. Unprocessed rows are
   * never deleted, however old: they are the evidence of work still owed.
   */
  async deleteProcessedOlderThan(days: number, limit: number): Promise<number> {
    const [, deleted]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM inbound_events WHERE id IN (
         SELECT id FROM inbound_events
          WHERE received_at < now() - make_interval(days => $1)
            AND processed_at IS NOT NULL
          ORDER BY received_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED)`,
      [days, limit],
    );
    return deleted;
  }
}

/**
 * How JSON writes U+0000 and surrogates as escapes. JSON.stringify escapes only unpaired
 * surrogates; a platform's raw body may escape paired ones too, which then takes the slower,
 * still correct, path.
 */
const UNSTORABLE_ESCAPE = /\\u(0000|d[89a-f])/i;

/**
 * The payload as JSON text for a jsonb column. jsonb cannot hold U+0000 or unpaired
 * surrogates, and refusing the delivery would only make the platform resend it forever: such
 * strings are stored with U+FFFD in their place. `rawJson`, when given, is the text `payload`
 * was parsed from (a webhook's body): stored as it came unless the one regex finds such an
 * escape, so an ordinary delivery is not serialised again.
 */
export function storableJson(payload: unknown, rawJson?: string): string {
  const text = rawJson ?? JSON.stringify(payload);
  if (!UNSTORABLE_ESCAPE.test(text)) return text;
  return JSON.stringify(payload, (_key, value: unknown) =>
    typeof value === 'string' ? storableText(value) : value,
  );
}

/** Columns insertManyIfNew binds per event, in the order of its VALUES rows. */
const INSERTED_COLUMNS = 6;

/** `($1::uuid, $2, ...), (...)` for `rows` events. */
function valuesList(rows: number): string {
  return Array.from({ length: rows }, (_row, index) => {
    const at = index * INSERTED_COLUMNS;
    return `($${at + 1}::uuid, $${at + 2}, $${at + 3}, $${at + 4}::uuid, $${at + 5}, $${at + 6}::jsonb, now())`;
  }).join(', ');
}
