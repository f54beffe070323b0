import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** What the receiver gets under `data`: ids, status and error code, never text. */
export type DeliveryPayload = Record<string, string>;

export interface NewDelivery {
  id: string;
  webhookId: string;
  tenantId: string;
  eventId: string;
  eventType: string;
  occurredAt: Date;
  payload: DeliveryPayload;
}

export interface DeliveryRow {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  occurredAt: Date;
  payload: DeliveryPayload;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  retryUntil: Date;
  createdAt: Date;
}

export interface AttemptRecord {
  statusCode: number | null;
  error: string | null;
  /** 'pending' with the time of the next attempt, or the final status. */
  next: { status: 'pending'; at: Date } | { status: 'succeeded' | 'failed' };
}

/** Retries stop this long after the delivery was created (or redelivered). */
export const RETRY_WINDOW_MS = 24 * 60 * 60_000;

const COLUMNS = `id, webhook_id AS "webhookId", event_id AS "eventId", event_type AS "eventType",
  occurred_at AS "occurredAt", payload, status, attempts, last_status_code AS "lastStatusCode",
  last_error AS "lastError", last_attempt_at AS "lastAttemptAt", retry_until AS "retryUntil",
  created_at AS "createdAt"`;

@Injectable()
export class WebhookDeliveriesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Stores the deliveries not stored yet and returns their ids: one per (subscription, event),
   * so an event handed over again by the stream is not delivered twice.
   */
  async insertNew(deliveries: NewDelivery[]): Promise<string[]> {
    if (!deliveries.length) return [];
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO tenant_webhook_deliveries
         (id, webhook_id, tenant_id, event_id, event_type, occurred_at, payload, retry_until)
       SELECT d.id, d.webhook_id, d.tenant_id, d.event_id, d.event_type, d.occurred_at, d.payload,
              now() + $2 * interval '1 millisecond'
         FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, webhook_id uuid, tenant_id uuid,
              event_id uuid, event_type text, occurred_at timestamptz, payload jsonb)
       ON CONFLICT (webhook_id, event_id) DO NOTHING
       RETURNING id`,
      [
        JSON.stringify(
          deliveries.map((d) => ({
            id: d.id,
            webhook_id: d.webhookId,
            tenant_id: d.tenantId,
            event_id: d.eventId,
            event_type: d.eventType,
            occurred_at: d.occurredAt.toISOString(),
            payload: d.payload,
          })),
        ),
        RETRY_WINDOW_MS,
      ],
    );
    return rows.map((row) => row.id);
  }

  async get(id: string): Promise<DeliveryRow | undefined> {
    const rows: DeliveryRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM tenant_webhook_deliveries WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  /** A subscription's deliveries, newest first (ids are UUIDv7: time-ordered). */
  async page(webhookId: string, before: string | undefined, limit: number): Promise<DeliveryRow[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM tenant_webhook_deliveries
        WHERE webhook_id = $1 AND ($2::uuid IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
      [webhookId, before ?? null, limit],
    );
  }

  /** Records one attempt; only a pending delivery takes it (a late duplicate job changes nothing). */
  async recordAttempt(id: string, attempt: AttemptRecord): Promise<boolean> {
    const [, count] = await this.db.query<[unknown, number]>(
      `UPDATE tenant_webhook_deliveries SET
         attempts = attempts + 1, last_status_code = $2, last_error = $3, last_attempt_at = now(),
         status = $4, next_attempt_at = COALESCE($5, next_attempt_at)
       WHERE id = $1 AND status = 'pending'`,
      [
        id,
        attempt.statusCode,
        attempt.error,
        attempt.next.status,
        attempt.next.status === 'pending' ? attempt.next.at : null,
      ],
    );
    return count > 0;
  }

  /** Ends a pending delivery without an attempt (its subscription is off or gone). */
  async abandon(id: string, reason: string): Promise<void> {
    await this.db.query(
      `UPDATE tenant_webhook_deliveries SET status = 'failed', last_error = $2
        WHERE id = $1 AND status = 'pending'`,
      [id, reason],
    );
  }

  /** Makes a finished delivery pending again, with a fresh 24 h of retries. */
  async reopen(webhookId: string, id: string): Promise<DeliveryRow | undefined> {
    // An UPDATE answers [rows, count] through TypeORM's query(), not the rows alone.
    const [rows] = await this.db.query<[DeliveryRow[], number]>(
      `UPDATE tenant_webhook_deliveries SET status = 'pending', next_attempt_at = now(),
         retry_until = now() + $3 * interval '1 millisecond'
       WHERE webhook_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [webhookId, id, RETRY_WINDOW_MS],
    );
    return rows[0];
  }

  /** Pending deliveries whose job should have run `overdueMs` ago: Redis may have lost it. */
  async overdue(overdueMs: number, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM tenant_webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at < now() - $1 * interval '1 millisecond'
        ORDER BY next_attempt_at LIMIT $2`,
      [overdueMs, limit],
    );
    return rows.map((row) => row.id);
  }

  /** Deletes up to `limit` finished deliveries older than `days`; returns how many. */
  async deleteFinishedOlderThan(days: number, limit: number): Promise<number> {
    const [, count] = await this.db.query<[unknown, number]>(
      `DELETE FROM tenant_webhook_deliveries WHERE id IN (
         SELECT id FROM tenant_webhook_deliveries
          WHERE status <> 'pending' AND created_at < now() - $1 * interval '1 day'
          LIMIT $2)`,
      [days, limit],
    );
    return count;
  }
}
