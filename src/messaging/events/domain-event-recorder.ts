import { Injectable } from '@nestjs/common';
import { RECORDABLE_EVENT_TYPES, RecordableEventType } from './messaging-event';

/** The caller's transaction (a TypeORM EntityManager or QueryRunner), or the data source. */
export interface SqlExecutor {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** An event another module records on the stream: ids only, like every messaging event. */
export interface RecordedDomainEvent {
  tenantId: string;
  type: RecordableEventType;
  /** The stream (e.g. the appointment's id): its events are delivered in order. */
  streamId: string;
  contactId?: string | null;
  /** What happened, in one word (appointment.changed: created, updated, moved, cancelled). */
  status: string;
}

/**
 * Lets another module put a domain event on messaging's stream without touching its tables:
 * pass your transaction's executor, and the event commits (or not) with your change — the
 * same transactional outbox messaging uses. Only RECORDABLE_EVENT_TYPES are accepted, so no
 * module can forge a message or contact event.
 */
@Injectable()
export class DomainEventRecorder {
  async record(executor: SqlExecutor, event: RecordedDomainEvent): Promise<void> {
    if (!(RECORDABLE_EVENT_TYPES as readonly string[]).includes(event.type)) {
      throw new Error(`${event.type} is not an event other modules may record`);
    }
    await executor.query(
      `INSERT INTO domain_events (tenant_id, stream_id, type, contact_id, status)
       VALUES ($1, $2, $3, $4, $5)`,
      [event.tenantId, event.streamId, event.type, event.contactId ?? null, event.status],
    );
  }
}
