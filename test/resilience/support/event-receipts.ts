import { Injectable, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MessagingEvent } from '@app/messaging/events/messaging-event';
import { MESSAGING_EVENT_TYPES } from '@app/messaging/events/messaging-event';
import { OnMessagingEvent } from '@app/messaging/events/on-messaging-event.decorator';

const HANDLING_MS = 20;

/** Every handed-out event lands here as a row of its own (the wire, duplicates included). */
export const RECEIPTS_TABLE = 'resilience_event_receipts';

export const CREATE_RECEIPTS_TABLE = `CREATE TABLE IF NOT EXISTS ${RECEIPTS_TABLE} (
  n          bigserial PRIMARY KEY,
  event_id   uuid NOT NULL,
  tenant_id  uuid NOT NULL,
  stream_id  uuid NOT NULL,
  seq        bigint NOT NULL,
  type       text NOT NULL,
  message_id uuid,
  pid        integer NOT NULL
)`;

/**
 * The test's subscriber, in the spawned worker processes: writes down each event it is
 * handed, by the order it was handed (`n`), so the test counts the wire and checks the order.
 */
@Injectable()
export class EventReceipts {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @OnMessagingEvent({ subscriber: 'resilience.receipts', types: MESSAGING_EVENT_TYPES })
  async note(event: MessagingEvent): Promise<void> {
    // A subscriber doing real work takes a while: deliveries are in flight when a worker dies.
    await new Promise((resolve) => setTimeout(resolve, HANDLING_MS));
    await this.db.query(
      `INSERT INTO ${RECEIPTS_TABLE} (event_id, tenant_id, stream_id, seq, type, message_id, pid)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        event.id,
        event.tenantId,
        event.streamId,
        event.seq,
        event.type,
        event.messageId ?? null,
        process.pid,
      ],
    );
  }
}

@Module({ providers: [EventReceipts] })
export class EventReceiptsModule {}
