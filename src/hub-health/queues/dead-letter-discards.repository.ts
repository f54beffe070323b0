import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Failed sends discarded from the dead-letter view (table dead_letter_discards). */
@Injectable()
export class DeadLetterDiscardsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async add(sends: readonly { messageId: string; tenantId: string }[]): Promise<void> {
    if (sends.length === 0) return;
    await this.db.query(
      `INSERT INTO dead_letter_discards (message_id, tenant_id)
       SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT (message_id) DO NOTHING`,
      [sends.map((s) => s.messageId), sends.map((s) => s.tenantId)],
    );
  }

  /** Ids discarded since `since`; older discards no longer matter and are pruned. */
  async since(since: Date): Promise<string[]> {
    await this.db.query(`DELETE FROM dead_letter_discards WHERE discarded_at < $1`, [since]);
    const rows: { id: string }[] = await this.db.query(
      `SELECT message_id AS id FROM dead_letter_discards WHERE discarded_at >= $1`,
      [since],
    );
    return rows.map((row) => row.id);
  }
}
