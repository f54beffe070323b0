import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AlertSeverity } from '@core/alerts/alert-raiser';
import type { ChannelKind } from '../channel-kind';

/** A tenant's alert channel as stored: `url` and `secret` are sealed. */
export interface AlertChannelRow {
  id: string;
  tenantId: string;
  kind: ChannelKind;
  name: string;
  url: string;
  urlHint: string;
  secret: string | null;
  minSeverity: AlertSeverity;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type AlertChannelChanges = Partial<
  Pick<AlertChannelRow, 'name' | 'url' | 'urlHint' | 'secret' | 'minSeverity' | 'active'>
>;

const COLUMNS = `id, tenant_id AS "tenantId", kind, name, url, url_hint AS "urlHint", secret,
  min_severity AS "minSeverity", active, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Channels, always read under their tenant (another tenant's id is simply not found). */
@Injectable()
export class AlertChannelsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(row: Omit<AlertChannelRow, 'createdAt' | 'updatedAt'>): Promise<AlertChannelRow> {
    const rows: AlertChannelRow[] = await this.db.query(
      `INSERT INTO alert_channels (id, tenant_id, kind, name, url, url_hint, secret, min_severity, active)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [
        row.id,
        row.tenantId,
        row.kind,
        row.name,
        row.url,
        row.urlHint,
        row.secret,
        row.minSeverity,
        row.active,
      ],
    );
    return rows[0];
  }

  async get(tenantId: string, id: string): Promise<AlertChannelRow | undefined> {
    const rows: AlertChannelRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM alert_channels WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return rows[0];
  }

  /** For delivery, which runs outside any tenant's request. */
  async byId(id: string): Promise<AlertChannelRow | undefined> {
    const rows: AlertChannelRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM alert_channels WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  list(tenantId: string, after: string | undefined, limit: number): Promise<AlertChannelRow[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM alert_channels
        WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [tenantId, after ?? null, limit],
    );
  }

  activeOf(tenantId: string): Promise<AlertChannelRow[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM alert_channels WHERE tenant_id = $1 AND active ORDER BY id`,
      [tenantId],
    );
  }

  async update(
    tenantId: string,
    id: string,
    changes: AlertChannelChanges,
  ): Promise<AlertChannelRow | undefined> {
    // An UPDATE answers [rows, count] through TypeORM's query(), not the rows alone.
    const [rows] = await this.db.query<[AlertChannelRow[], number]>(
      `UPDATE alert_channels SET
         name = COALESCE($3::text, name),
         url = COALESCE($4::text, url),
         url_hint = COALESCE($5::text, url_hint),
         secret = COALESCE($6::text, secret),
         min_severity = COALESCE($7::text, min_severity),
         active = COALESCE($8::boolean, active),
         updated_at = now()
       WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [
        tenantId,
        id,
        changes.name ?? null,
        changes.url ?? null,
        changes.urlHint ?? null,
        changes.secret ?? null,
        changes.minSeverity ?? null,
        changes.active ?? null,
      ],
    );
    return rows[0];
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const [, count] = await this.db.query<[unknown, number]>(
      `DELETE FROM alert_channels WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return count > 0;
  }
}
