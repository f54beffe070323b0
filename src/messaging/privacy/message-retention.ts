import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { uuidV7Floor } from '@core/database/ids';

/**
 * Deletes a tenant's messages older than a cutoff, one small batch per call, for the retention
 * task. Ids are UUIDv7, time-ordered, so "older than" is an id range: the batch is found on the
 * primary key instead of a scan of created_at, and each DELETE holds few row locks.
 */
@Injectable()
export class MessageRetention {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async deleteBatch(tenantId: string, before: Date, limit: number): Promise<number> {
    const [, count]: [unknown, number] = await this.db.query(
      `DELETE FROM messages WHERE id IN (${EXPIRED_BATCH_SQL})`,
      [tenantId, uuidV7Floor(before), limit],
    );
    return count;
  }
}

/**
 * One batch of a tenant's expired messages ($1 tenant, $2 `uuidV7Floor` of the cutoff, $3 limit):
 * a range of messages_tenant_id_idx. Exported for the retention benchmark's query plans.
 */
export const EXPIRED_BATCH_SQL = `SELECT id FROM messages WHERE tenant_id = $1 AND id < $2 ORDER BY id LIMIT $3`;
