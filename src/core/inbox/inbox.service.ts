import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { createHash } from 'node:crypto';
import { Counter } from 'prom-client';
import { newId } from '@core/database/ids';
import { UnavailableError } from '@core/errors/domain-error';
import { isDatabaseUnavailable } from './database-unavailable';
import { InboundEnqueuer } from './inbound-enqueuer';
import { INBOX_INTAKE_TOTAL, IntakeOutcome } from './inbox.metrics';
import { InboxRepository } from './inbox.repository';

export interface AcceptInboundEvent {
  /** 'meta', 'evolution', 'bitrix24', 'google-calendar'... the key handlers register under. */
  source: string;
  /** The platform's event id; when absent the SHA-256 of `rawBody` identifies the event. */
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

/**
 * Durable webhook intake (DESIGN.md "Inbound flow" step 3). When `accept` resolves, the event
 * is committed in PostgreSQL, so the webhook may answer 2xx; when PostgreSQL is unreachable it
 * throws UnavailableError (503 + Retry-After) so the platform delivers again later.
 */
@Injectable()
export class InboxService {
  private readonly logger = new Logger(InboxService.name);

  constructor(
    private readonly inbox: InboxRepository,
    private readonly enqueuer: InboundEnqueuer,
    @InjectMetric(INBOX_INTAKE_TOTAL) private readonly intake: Counter<'source' | 'outcome'>,
  ) {}

  async accept(event: AcceptInboundEvent): Promise<AcceptedInboundEvent> {
    const externalId = event.externalId ?? sha256Hex(event.rawBody);
    const id = await this.database(event.source, () =>
      this.inbox.insertIfNew({
        id: newId(),
        source: event.source,
        externalId,
        tenantId: event.tenantId ?? null,
        accountRef: event.accountRef ?? null,
        payload: event.payload,
      }),
    );
    if (!id) {
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

  /** Runs one inbox query, turning a PostgreSQL outage into a retryable 503 for the platform. */
  private async database<T>(source: string, query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      this.count(source, 'unavailable');
      this.logger.error(
        { source, reason: (error as Error).message },
        'Inbox unavailable: PostgreSQL did not store the event; the platform will retry',
      );
      throw new UnavailableError(
        'INBOX.UNAVAILABLE',
        'The event could not be stored right now; deliver it again later',
        DATABASE_RETRY_AFTER_SECONDS,
      );
    }
  }

  /** The row is committed; failing to enqueue is recoverable and must not fail the webhook. */
  private async tryEnqueue(id: string, source: string): Promise<IntakeOutcome> {
    try {
      await this.enqueuer.enqueue([{ id, source }], ENQUEUE_TIMEOUT_MS);
      await this.inbox.markEnqueued(id);
      return 'enqueued';
    } catch (error) {
      this.logger.warn(
        { inboxId: id, source, reason: (error as Error).message },
        'Inbound event stored; enqueueing it is left to the sweeper',
      );
      return 'deferred';
    }
  }

  private count(source: string, outcome: IntakeOutcome): void {
    this.intake.inc({ source, outcome });
  }
}

function sha256Hex(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex');
}
