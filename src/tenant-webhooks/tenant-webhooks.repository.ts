import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** A subscription as stored; `secret` is sealed. */
export interface WebhookRow {
  id: string;
  tenantId: string;
  url: string;
  eventTypes: string[];
  channelAccountIds: string[] | null;
  active: boolean;
  secret: string;
  consecutiveFailures: number;
  disabledReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type WebhookChanges = Partial<
  Pick<WebhookRow, 'url' | 'eventTypes' | 'channelAccountIds' | 'active' | 'secret'>
>;

const COLUMNS = `id, tenant_id AS "tenantId", url, event_types AS "eventTypes",
  channel_account_ids AS "channelAccountIds", active, secret,
  consecutive_failures AS "consecutiveFailures", disabled_reason AS "disabledReason",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Subscriptions, always read under their tenant: another tenant's id is simply not found. */
@Injectable()
export class TenantWebhooksRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(
    row: Omit<WebhookRow, 'consecutiveFailures' | 'disabledReason' | 'createdAt' | 'updatedAt'>,
  ): Promise<WebhookRow> {
    const rows: WebhookRow[] = await this.db.query(
      `INSERT INTO tenant_webhooks (id, tenant_id, url, event_types, channel_account_ids, active, secret)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [
        row.id,
        row.tenantId,
        row.url,
        row.eventTypes,
        row.channelAccountIds,
        row.active,
        row.secret,
      ],
    );
    return rows[0];
  }

  async get(tenantId: string, id: string): Promise<WebhookRow | undefined> {
    const rows: WebhookRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM tenant_webhooks WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return rows[0];
  }

  /** For delivery, which runs outside any tenant's request. */
  async byId(id: string): Promise<WebhookRow | undefined> {
    const rows: WebhookRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM tenant_webhooks WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async list(tenantId: string, after: string | undefined, limit: number): Promise<WebhookRow[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM tenant_webhooks
        WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [tenantId, after ?? null, limit],
    );
  }

  /** The tenant's active subscriptions (ActiveSubscriptions keeps them for a few seconds). */
  async activeOf(tenantId: string): Promise<WebhookRow[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM tenant_webhooks WHERE tenant_id = $1 AND active`, [
      tenantId,
    ]);
  }

  /**
   * Applies the changes; turning a subscription on again forgets its failures, since the
   * tenant says the receiver is fixed.
   */
  async update(
    tenantId: string,
    id: string,
    changes: WebhookChanges,
  ): Promise<WebhookRow | undefined> {
    // An UPDATE answers [rows, count] through TypeORM's query(), not the rows alone.
    const [rows] = await this.db.query<[WebhookRow[], number]>(
      `UPDATE tenant_webhooks SET
         url = COALESCE($3::text, url),
         event_types = COALESCE($4::text[], event_types),
         channel_account_ids = CASE WHEN $5::boolean THEN $6::uuid[] ELSE channel_account_ids END,
         active = COALESCE($7::boolean, active),
         secret = COALESCE($8::text, secret),
         consecutive_failures = CASE WHEN $7::boolean THEN 0 ELSE consecutive_failures END,
         disabled_reason = CASE WHEN $7::boolean THEN NULL ELSE disabled_reason END,
         updated_at = now()
       WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [
        tenantId,
        id,
        changes.url ?? null,
        changes.eventTypes ?? null,
        'channelAccountIds' in changes,
        changes.channelAccountIds ?? null,
        changes.active ?? null,
        changes.secret ?? null,
      ],
    );
    return rows[0];
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const [, count] = await this.db.query<[unknown, number]>(
      `DELETE FROM tenant_webhooks WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return count > 0;
  }

  /** The subscription answered: its run of failures is over. */
  async recordSuccess(id: string): Promise<void> {
    await this.db.query(
      `UPDATE tenant_webhooks SET consecutive_failures = 0
        WHERE id = $1 AND consecutive_failures <> 0`,
      [id],
    );
  }

  /**
   * Counts a delivery given up; at `disableAfter` in a row the subscription is switched off in
   * the same statement. True only for the call that switched it off (one alert, not many).
   */
  async recordFailure(id: string, disableAfter: number, reason: string): Promise<boolean> {
    const [rows] = await this.db.query<[{ disabled: boolean }[], number]>(
      `WITH before AS (SELECT active FROM tenant_webhooks WHERE id = $1 FOR UPDATE)
       UPDATE tenant_webhooks w SET
         consecutive_failures = w.consecutive_failures + 1,
         active = w.active AND w.consecutive_failures + 1 < $2,
         disabled_reason = CASE WHEN w.active AND w.consecutive_failures + 1 >= $2
                                THEN $3 ELSE w.disabled_reason END,
         updated_at = now()
       FROM before WHERE w.id = $1
       RETURNING before.active AND NOT w.active AS disabled`,
      [id, disableAfter, reason],
    );
    return rows[0]?.disabled ?? false;
  }
}
