import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ErasureReceipt } from '@core/privacy/privacy-contributor';
import type { PrivacyRequestRow, PrivacyRequestType, ReceiptRow } from './privacy-request';

const COLUMNS = `id, tenant_id AS "tenantId", type, contact_id AS "contactId", status,
  due_at AS "dueAt", error_code AS "errorCode", created_at AS "createdAt",
  completed_at AS "completedAt"`;

/** Data subject requests and their receipts; always read under their tenant. */
@Injectable()
export class PrivacyRequestsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(row: {
    id: string;
    tenantId: string;
    type: PrivacyRequestType;
    contactId: string;
    dueAt: Date;
  }): Promise<PrivacyRequestRow> {
    const rows: PrivacyRequestRow[] = await this.db.query(
      `INSERT INTO data_subject_requests (id, tenant_id, type, contact_id, due_at)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [row.id, row.tenantId, row.type, row.contactId, row.dueAt],
    );
    return rows[0];
  }

  async get(tenantId: string, id: string): Promise<PrivacyRequestRow | undefined> {
    const rows: PrivacyRequestRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM data_subject_requests WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return rows[0];
  }

  /** For the job, which knows only the id. */
  async byId(id: string): Promise<PrivacyRequestRow | undefined> {
    const rows: PrivacyRequestRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM data_subject_requests WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async list(tenantId: string, after: string | undefined, limit: number) {
    const rows: PrivacyRequestRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM data_subject_requests
        WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [tenantId, after ?? null, limit],
    );
    return rows;
  }

  async markProcessing(id: string): Promise<void> {
    await this.db.query(
      `UPDATE data_subject_requests SET status = 'processing', updated_at = now()
        WHERE id = $1 AND status = 'pending'`,
      [id],
    );
  }

  /** Completes the request once; false when it already was (a retried job). */
  async complete(id: string): Promise<boolean> {
    const [, count]: [unknown, number] = await this.db.query(
      `UPDATE data_subject_requests SET status = 'completed', completed_at = now(),
              error_code = NULL, updated_at = now()
        WHERE id = $1 AND status <> 'completed'`,
      [id],
    );
    return count > 0;
  }

  async noteError(id: string, code: string): Promise<void> {
    await this.db.query(
      `UPDATE data_subject_requests SET error_code = $2, updated_at = now() WHERE id = $1`,
      [id, code],
    );
  }

  /** Requests not completed and not touched for `staleMs`: their job was lost or gave up. */
  async stale(staleMs: number, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM data_subject_requests
        WHERE status IN ('pending', 'processing') AND updated_at < now() - make_interval(secs => $1)
        ORDER BY updated_at LIMIT $2`,
      [staleMs / 1000, limit],
    );
    return rows.map((row) => row.id);
  }

  /** Unfinished requests (every tenant's) due before `before`, soonest first. */
  unfinishedDueBefore(before: Date, limit: number): Promise<PrivacyRequestRow[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM data_subject_requests
        WHERE status <> 'completed' AND due_at < $1 ORDER BY due_at LIMIT $2`,
      [before, limit],
    );
  }

  /** Requests (every tenant's) completed since `since`. */
  completedSince(since: Date, limit: number): Promise<PrivacyRequestRow[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM data_subject_requests
        WHERE status = 'completed' AND completed_at >= $1 ORDER BY completed_at LIMIT $2`,
      [since, limit],
    );
  }

  async touch(id: string): Promise<void> {
    await this.db.query(`UPDATE data_subject_requests SET updated_at = now() WHERE id = $1`, [id]);
  }

  async receipts(requestId: string): Promise<ReceiptRow[]> {
    return this.db.query(
      `SELECT contributor, receipt, created_at AS "createdAt" FROM data_subject_receipts
        WHERE request_id = $1 ORDER BY contributor`,
      [requestId],
    );
  }

  /** Stores a module's receipt; a second one for the same module (a retried job) is ignored. */
  async addReceipt(requestId: string, contributor: string, receipt: ErasureReceipt) {
    await this.db.query(
      `INSERT INTO data_subject_receipts (request_id, contributor, receipt) VALUES ($1, $2, $3)
       ON CONFLICT (request_id, contributor) DO NOTHING`,
      [requestId, contributor, JSON.stringify(receipt)],
    );
  }
}
