import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { MicroBatcher, sameForAll } from '@core/batching/micro-batcher';
import { newId } from '@core/database/ids';
import { UnavailableError } from '@core/errors/domain-error';
import { isDatabaseUnavailable } from '@core/database/database-unavailable';
import { InboundEnqueuer } from './inbound-enqueuer';
import { inboxExternalId, sha256Hex } from './inbox-external-id';
import { INBOX_INTAKE_TOTAL, IntakeOutcome } from './inbox.metrics';
import { InboxRepository, NewInboundEvent, PendingInboundEvent } from './inbox.repository';

export interface AcceptInboundEvent {
  /** 'meta', 'evolution', 'bitrix24', 'google-calendar'... the key handlers register under. */
  source: string;
  /**
   * The platform's event id; when absent the SHA-256 of `rawBody` identifies the event. Ids of
   * any length are accepted: an oversized one is stored hashed (inboxExternalId).
   */
  externalId?: string;
  rawBody: Buffer | string;
  payload: unknown;
  tenantId?: string;
  accountRef?: string;
}

export interface AcceptedInboundEvent {
  id: string;
  duplicate: boolean;
}

/** Intake never waits longer than this for Redis; the sweeper covers what it skips. */
const ENQUEUE_TIMEOUT_MS = 1_000;
const DATABASE_RETRY_AFTER_SECONDS = 10;
/** Rows per INSERT / jobs per addBulk: large enough for any burst, small enough for one packet train. */
const MAX_BATCH = 256;

/**
 * Durable webhook intake (DESIGN.md "Inbound flow" step 3). When `accept` resolves, the event
 * is committed in PostgreSQL, so the webhook may answer 2xx; when PostgreSQL is unreachable it
 * throws UnavailableError (503 + Retry-After) so the platform delivers again later.
 *
 * Deliveries arriving together are stored with one INSERT and enqueued with one addBulk
 * (MicroBatcher): each caller still waits for its own row's commit, but the database and Redis
 * see one round trip per burst instead of one per webhook.
 */
@Injectable()
export class InboxService {
  private readonly logger = new Logger(InboxService.name);
  private readonly inserts = new MicroBatcher<NewInboundEvent, boolean>(
    (events) => this.insertBatch(events),
    MAX_BATCH,
  );
  private readonly enqueues = new MicroBatcher<PendingInboundEvent, void>(
    (events) => sameForAll(events.length, () => this.enqueuer.enqueue(events, ENQUEUE_TIMEOUT_MS)),
    MAX_BATCH,
  );
  private readonly enqueuedMarks = new MicroBatcher<string, void>(
    (ids) => sameForAll(ids.length, () => this.inbox.markEnqueued(ids)),
    MAX_BATCH,
  );

  constructor(
    private readonly inbox: InboxRepository,
    private readonly enqueuer: InboundEnqueuer,
    @InjectMetric(INBOX_INTAKE_TOTAL) private readonly intake: Counter<'source' | 'outcome'>,
  ) {}

  async accept(event: AcceptInboundEvent): Promise<AcceptedInboundEvent> {
    const externalId = inboxExternalId(event.externalId ?? sha256Hex(event.rawBody));
    const id = newId();
    const inserted = await this.database(event.source, () =>
      this.inserts.submit({
        id,
        source: event.source,
        externalId,
        tenantId: event.tenantId ?? null,
        accountRef: event.accountRef ?? null,
        payload: event.payload,
      }),
    );
    if (!inserted) {
      this.count(event.source, 'duplicate');
      // Only redeliveries pay for this lookup. The original is committed by now: ON CONFLICT
      // waited for its transaction before answering "conflict".
      const original = await this.database(event.source, () =>
        this.inbox.findIdByExternalId(event.source, externalId),
      );
      // Absent only if retention purged the original in between: then this is a new event.
      return original ? { id: original, duplicate: true } : this.accept(event);
    }
    this.count(event.source, await this.tryEnqueue(id, event.source));
    return { id, duplicate: false };
  }

  /**
   * One INSERT for the whole batch. A failure that is not an outage (a payload PostgreSQL
   * refuses, say) is retried row by row, so it fails only the delivery that caused it.
   */
  private async insertBatch(events: NewInboundEvent[]): Promise<PromiseSettledResult<boolean>[]> {
    try {
      const inserted = await this.inbox.insertManyIfNew(events);
      return events.map((event) => ({ status: 'fulfilled', value: inserted.has(event.id) }));
    } catch (error) {
      if (isDatabaseUnavailable(error) || events.length === 1) throw error;
      return Promise.allSettled(
        events.map(async (event) => (await this.inbox.insertManyIfNew([event])).has(event.id)),
      );
    }
  }

  /** Runs one inbox query, turning a PostgreSQL outage into a retryable 503 for the platform. */
  private async database<T>(source: string, query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      this.count(source, 'unavailable');
      this.logger.error(
        { source, err: error },
        'Inbox unavailable: PostgreSQL did not store the event; the platform will retry',
      );
      throw new UnavailableError(
        'INBOX.UNAVAILABLE',
        'The event could not be stored right now; deliver it again later',
        DATABASE_RETRY_AFTER_SECONDS,
      );
    }
  }

  /**
   * The row is committed; failing to enqueue is recoverable and must not fail the webhook.
   * Marking the row enqueued is bookkeeping for the sweeper, not part of the answer: if it is
   * lost, the sweeper adds the job again under the same jobId, which BullMQ ignores.
   */
  private async tryEnqueue(id: string, source: string): Promise<IntakeOutcome> {
    try {
      await this.enqueues.submit({ id, source });
    } catch (error) {
      this.logger.warn(
        { inboxId: id, source, err: error },
        'Inbound event stored; enqueueing it is left to the sweeper',
      );
      return 'deferred';
    }
    this.enqueuedMarks
      .submit(id)
      .catch((error: unknown) =>
        this.logger.warn(
          { inboxId: id, err: error },
          'Could not mark an inbound event enqueued; the sweeper will re-add it (same job id)',
        ),
      );
    return 'enqueued';
  }

  private count(source: string, outcome: IntakeOutcome): void {
    this.intake.inc({ source, outcome });
  }
}
