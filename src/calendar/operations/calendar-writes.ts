import { Injectable, Logger } from '@nestjs/common';
import { newId } from '@core/database/ids';
import { DomainError, NotFoundError } from '@core/errors/domain-error';
import { CircuitOpenError } from '@core/resilience/circuit-open.error';
import type { CalendarEventView } from '../events/calendar-event';
import type {
  CreateEventCommand,
  DeleteEventCommand,
  UpdateEventCommand,
} from '../events/event-commands';
import { EventsService, newEventId } from '../events/events.service';
import { CalendarOperationsQueue } from './calendar-operations.queue';
import {
  CalendarOperationsRepository,
  OperationView,
  QueuedWrite,
} from './calendar-operations.repository';
import { googleFailing } from './google-failing';

/** Applied now, or accepted as a pending operation because Google is failing. */
export type WriteOutcome<T> = { applied: T } | { queued: OperationView };

/** What the worker does with an operation's job. */
export type ApplyDecision = { kind: 'done' } | { kind: 'retry'; afterMs: number };

/** A write Google kept refusing this long fails for good (the frontend sees why). */
const MAX_PENDING_MS = 24 * 3_600_000;
const MAX_RETRY_MS = 5 * 60_000;

/**
 * The calendar's write path ("cache for reads, queue for writes"): a create, change or cancel
 * goes to Google at once; when Google is failing (breaker open, 5xx or timeouts after the
 * retries) it is stored durably and answered 202 with the operation, which the `calendar`
 * queue applies once Google answers again. Re-applying is safe: a create carries its event id
 * (a second insert meets 409 duplicate and returns its event), a change is the same patch, a
 * cancel of an event already gone is done.
 */
@Injectable()
export class CalendarWrites {
  private readonly logger = new Logger(CalendarWrites.name);

  constructor(
    private readonly events: EventsService,
    private readonly operations: CalendarOperationsRepository,
    private readonly queue: CalendarOperationsQueue,
  ) {}

  create(command: CreateEventCommand): Promise<WriteOutcome<CalendarEventView>> {
    const full = { ...command, eventId: command.eventId ?? newEventId() };
    return this.orQueue({ kind: 'create', command: full }, full.eventId, () =>
      this.events.create(full),
    );
  }

  update(command: UpdateEventCommand): Promise<WriteOutcome<CalendarEventView>> {
    return this.orQueue({ kind: 'update', command }, command.eventId, () =>
      this.events.update(command),
    );
  }

  delete(command: DeleteEventCommand): Promise<WriteOutcome<void>> {
    return this.orQueue({ kind: 'delete', command }, command.eventId, () =>
      this.events.delete(command),
    );
  }

  async operation(tenantId: string, id: string): Promise<OperationView> {
    const found = await this.operations.view(tenantId, id);
    if (!found) throw new NotFoundError('Operation', 'CALENDAR.OPERATION_NOT_FOUND');
    return found;
  }

  /** One attempt at a pending operation (the `calendar` worker's job). */
  async apply(operationId: string): Promise<ApplyDecision> {
    const operation = await this.operations.startAttempt(operationId);
    if (!operation) return { kind: 'done' };
    try {
      const etag = await this.run(operation);
      await this.operations.markApplied(operationId, etag);
      return { kind: 'done' };
    } catch (error) {
      if (googleFailing(error) && Date.now() - operation.createdAt.getTime() < MAX_PENDING_MS) {
        const afterMs =
          error instanceof CircuitOpenError
            ? error.retryAfterMs
            : Math.min(MAX_RETRY_MS, 1_000 * 2 ** Math.min(operation.attempts, 10));
        return { kind: 'retry', afterMs };
      }
      const code = error instanceof DomainError ? error.code : 'CALENDAR.OPERATION_FAILED';
      const message =
        error instanceof DomainError ? error.message : 'The write could not be applied';
      await this.operations.markFailed(operationId, code, message);
      this.logger.warn({ operationId, code }, 'Queued calendar write failed for good');
      return { kind: 'done' };
    }
  }

  private async run(operation: QueuedWrite): Promise<string | null> {
    switch (operation.kind) {
      case 'create':
        return (await this.events.create(operation.command)).etag;
      case 'update':
        return (await this.events.update(operation.command)).etag;
      case 'delete':
        try {
          await this.events.delete(operation.command);
        } catch (error) {
          // Cancelled already (an earlier attempt whose answer was lost): the goal is met.
          if (!(error instanceof NotFoundError && error.code === 'CALENDAR.EVENT_NOT_FOUND')) {
            throw error;
          }
        }
        return null;
    }
  }

  private async orQueue<T>(
    write: QueuedWrite,
    eventId: string,
    now: () => Promise<T>,
  ): Promise<WriteOutcome<T>> {
    try {
      return { applied: await now() };
    } catch (error) {
      if (!googleFailing(error)) throw error;
      const operation = await this.operations.insert(
        newId(),
        write.command.tenantId,
        write,
        eventId,
      );
      this.logger.warn(
        { operationId: operation.id, kind: write.kind, cause: (error as DomainError).code },
        'Google is failing: calendar write queued',
      );
      const delayMs = error instanceof CircuitOpenError ? error.retryAfterMs : 1_000;
      await this.queue
        .add([operation.id], delayMs)
        .catch((cause: unknown) =>
          this.logger.warn(
            { operationId: operation.id, err: cause },
            'Queued calendar write not enqueued; the sweeper adds it',
          ),
        );
      return { queued: operation };
    }
  }
}
