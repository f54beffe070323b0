import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { encryptedColumnContext } from '@core/crypto/encrypted-column';
import { SecretBox } from '@core/crypto/secret-box';
import { PRIVACY_EXPORT_DOCUMENT_COLUMN } from './export-document-column';

/**
 * Built export documents, sealed at rest: each is all of one person's data in one place. The
 * document outlives its link by nothing: expired ones are deleted by the retention task.
 */
@Injectable()
export class PrivacyExportsRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly box: SecretBox,
  ) {}

  async save(requestId: string, document: unknown, expiresAt: Date): Promise<void> {
    const sealed = this.box.seal(
      JSON.stringify(document),
      encryptedColumnContext(PRIVACY_EXPORT_DOCUMENT_COLUMN, requestId),
    );
    await this.db.query(
      `INSERT INTO privacy_exports (request_id, document, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (request_id) DO UPDATE SET document = EXCLUDED.document,
         expires_at = EXCLUDED.expires_at`,
      [requestId, sealed, expiresAt],
    );
  }

  async expiresAt(requestId: string): Promise<Date | undefined> {
    const rows: { expiresAt: Date }[] = await this.db.query(
      `SELECT expires_at AS "expiresAt" FROM privacy_exports WHERE request_id = $1`,
      [requestId],
    );
    return rows[0]?.expiresAt;
  }

  /** The document as JSON text, while it has not expired. */
  async open(requestId: string): Promise<{ tenantId: string; json: string } | undefined> {
    const rows: { document: string; tenantId: string }[] = await this.db.query(
      `SELECT e.document, r.tenant_id AS "tenantId"
         FROM privacy_exports e JOIN data_subject_requests r ON r.id = e.request_id
        WHERE e.request_id = $1 AND e.expires_at > now()`,
      [requestId],
    );
    if (!rows[0]) return undefined;
    const json = this.box.open(
      rows[0].document,
      encryptedColumnContext(PRIVACY_EXPORT_DOCUMENT_COLUMN, requestId),
    );
    return { tenantId: rows[0].tenantId, json };
  }

  async deleteExpired(limit: number): Promise<number> {
    const [, count]: [unknown, number] = await this.db.query(
      `DELETE FROM privacy_exports WHERE request_id IN (
         SELECT request_id FROM privacy_exports WHERE expires_at <= now() LIMIT $1)`,
      [limit],
    );
    return count;
  }
}
