import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AlertSeverity } from '@core/alerts/alert-raiser';

export type AlertStatus = 'firing' | 'resolved';

export interface AlertRow {
  id: string;
  tenantId: string | null;
  type: string;
  subject: string;
  severity: AlertSeverity;
  title: string;
  detail: string | null;
  labels: Record<string, string>;
  status: AlertStatus;
  occurrences: number;
  notified: boolean;
  raisedAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
}

export interface AlertFilter {
  /** undefined: every tenant's and platform alerts (admin); a tenant sees its own only. */
  tenantId?: string;
  status?: AlertStatus;
  type?: string;
  severity?: AlertSeverity;
  since?: Date;
  before?: string;
  limit: number;
}

const COLUMNS = `id, tenant_id AS "tenantId", type, subject, severity, title, detail, labels, status,
  occurrences, notified, raised_at AS "raisedAt", last_seen_at AS "lastSeenAt",
  resolved_at AS "resolvedAt"`;

/** The alert history: one row per episode of a condition, at most one firing per condition. */
@Injectable()
export class AlertsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Records a raise: a new firing row, or one more occurrence of the firing row of the same
   * condition (another pod raised it first). `created` says which.
   */
  async upsertFiring(
    row: Omit<
      AlertRow,
      'status' | 'occurrences' | 'notified' | 'raisedAt' | 'lastSeenAt' | 'resolvedAt'
    > & {
      fingerprint: string;
    },
  ): Promise<{ alert: AlertRow; created: boolean }> {
    const rows: (AlertRow & { created: boolean })[] = await this.db.query(
      `INSERT INTO alerts (id, tenant_id, type, subject, fingerprint, severity, title, detail, labels)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (fingerprint) WHERE status = 'firing' DO UPDATE SET
         occurrences = alerts.occurrences + 1, last_seen_at = now(),
         severity = EXCLUDED.severity, title = EXCLUDED.title, detail = EXCLUDED.detail
       RETURNING ${COLUMNS}, (xmax = 0) AS created`,
      [
        row.id,
        row.tenantId,
        row.type,
        row.subject,
        row.fingerprint,
        row.severity,
        row.title,
        row.detail,
        JSON.stringify(row.labels),
      ],
    );
    const { created, ...alert } = rows[0];
    return { alert, created };
  }

  /** A raise the dedup window absorbed: counted on the firing row; false when there is none. */
  async countOccurrence(fingerprint: string): Promise<boolean> {
    const [, counted] = await this.db.query<[unknown[], number]>(
      `UPDATE alerts SET occurrences = occurrences + 1, last_seen_at = now()
        WHERE fingerprint = $1 AND status = 'firing'`,
      [fingerprint],
    );
    return counted > 0;
  }

  async markNotified(id: string): Promise<void> {
    await this.db.query(`UPDATE alerts SET notified = true WHERE id = $1 AND NOT notified`, [id]);
  }

  /** Ends the firing episode; only the caller that ended it gets the row (one resolve message). */
  async resolve(fingerprint: string, detail: string | undefined): Promise<AlertRow | undefined> {
    const [rows] = await this.db.query<[AlertRow[], number]>(
      `UPDATE alerts SET status = 'resolved', resolved_at = now(),
              detail = COALESCE($2, detail)
        WHERE fingerprint = $1 AND status = 'firing' RETURNING ${COLUMNS}`,
      [fingerprint, detail ?? null],
    );
    return rows[0];
  }

  /** Deletes up to `limit` resolved alerts resolved before `before`, oldest first. */
  async pruneResolved(before: Date, limit: number): Promise<number> {
    const [, deleted] = await this.db.query<[unknown[], number]>(
      `DELETE FROM alerts WHERE id IN (
         SELECT id FROM alerts WHERE status = 'resolved' AND resolved_at < $1
          ORDER BY resolved_at LIMIT $2)`,
      [before, limit],
    );
    return deleted;
  }

  async byId(id: string): Promise<AlertRow | undefined> {
    const rows: AlertRow[] = await this.db.query(`SELECT ${COLUMNS} FROM alerts WHERE id = $1`, [
      id,
    ]);
    return rows[0];
  }

  /** Newest first, keyset on id (UUIDv7) so deep pages cost the same as the first. */
  list(filter: AlertFilter): Promise<AlertRow[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM alerts
        WHERE ($1::uuid IS NULL OR tenant_id = $1)
          AND ($2::text IS NULL OR status = $2)
          AND ($3::text IS NULL OR type = $3)
          AND ($4::text IS NULL OR severity = $4)
          AND ($5::timestamptz IS NULL OR raised_at >= $5)
          AND ($6::uuid IS NULL OR id < $6)
        ORDER BY id DESC LIMIT $7`,
      [
        filter.tenantId ?? null,
        filter.status ?? null,
        filter.type ?? null,
        filter.severity ?? null,
        filter.since ?? null,
        filter.before ?? null,
        filter.limit,
      ],
    );
  }
}
