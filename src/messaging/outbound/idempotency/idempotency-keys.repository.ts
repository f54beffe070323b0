import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface KeyedMessage {
  id: string;
  status: string;
  /** Null for keys stored before fingerprints were: they replay whatever the request. */
  fingerprint: string | null;
  /** Older than the retention: the key no longer binds and may be released. */
  expired: boolean;
}

/**
 * The Idempotency-Keys of sends live on the messages they created (unique per tenant, so
 * taking a key and creating its message are one INSERT); this is their lookup and release.
 */
@Injectable()
export class IdempotencyKeysRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(
    tenantId: string,
    key: string,
    retentionHours: number,
  ): Promise<KeyedMessage | undefined> {
    const rows: KeyedMessage[] = await this.db.query(
      `SELECT id, status, idempotency_fingerprint AS fingerprint,
              created_at < now() - make_interval(hours => $3) AS expired
         FROM messages WHERE tenant_id = $1 AND idempotency_key = $2`,
      [tenantId, key, retentionHours],
    );
    return rows[0];
  }

  /** Frees one expired key now, so a new send may take it before the hourly sweep does. */
  async releaseExpired(tenantId: string, key: string, retentionHours: number): Promise<void> {
    await this.db.query(
      `UPDATE messages SET idempotency_key = NULL, idempotency_fingerprint = NULL
        WHERE tenant_id = $1 AND idempotency_key = $2
          AND created_at < now() - make_interval(hours => $3)`,
      [tenantId, key, retentionHours],
    );
  }

  /** Frees up to `limit` expired keys (oldest first, by the live-keys index); returns how many. */
  async releaseExpiredBatch(retentionHours: number, limit: number): Promise<number> {
    const [, released]: [unknown[], number] = await this.db.query(
      `UPDATE messages SET idempotency_key = NULL, idempotency_fingerprint = NULL
        WHERE id IN (SELECT id FROM messages
                      WHERE idempotency_key IS NOT NULL
                        AND created_at < now() - make_interval(hours => $1)
                      ORDER BY created_at LIMIT $2)`,
      [retentionHours, limit],
    );
    return released;
  }
}
