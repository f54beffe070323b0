import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** How long an instance trusts what it read of a tenant's setting (other instances' changes). */
const CACHE_MS = 30_000;

/**
 * Each tenant's choice to seal message text at rest. Every stored message asks, so the answer
 * is kept per instance for CACHE_MS rather than costing each insert a round trip; a change made
 * through this instance applies at once, one made through another within CACHE_MS.
 */
@Injectable()
export class MessageEncryptionSettings {
  private readonly cache = new Map<string, { enabled: boolean; until: number }>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async enabled(tenantId: string): Promise<boolean> {
    const cached = this.cache.get(tenantId);
    if (cached && cached.until > Date.now()) return cached.enabled;
    const rows: { enabled: boolean }[] = await this.db.query(
      `SELECT enabled FROM message_encryption_settings WHERE tenant_id = $1`,
      [tenantId],
    );
    const enabled = rows[0]?.enabled ?? false;
    this.cache.set(tenantId, { enabled, until: Date.now() + CACHE_MS });
    return enabled;
  }

  async set(tenantId: string, enabled: boolean): Promise<boolean> {
    await this.db.query(
      `INSERT INTO message_encryption_settings (tenant_id, enabled) VALUES ($1, $2)
       ON CONFLICT (tenant_id) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()`,
      [tenantId, enabled],
    );
    this.cache.delete(tenantId);
    return enabled;
  }
}
