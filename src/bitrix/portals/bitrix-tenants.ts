import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * How old the list may get. A tenant's first portal reaches every pod's list within this;
 * nothing can need the portal that soon (it must be installed and a line mapped first), and
 * the pod that created it knows at once (`added`).
 */
export const TENANTS_REFRESH_MS = 1_000;

/**
 * Which tenants have a Bitrix24 portal. The module's stream subscribers hear every tenant's
 * messages and most tenants have no portal: they are answered from this list in memory,
 * which costs one query of the small bitrix_portals table per second per process, instead of
 * one or more queries per event.
 */
@Injectable()
export class BitrixTenants {
  private tenants: ReadonlySet<string> = new Set();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading?: Promise<void>;
  /** Added while a load runs: its query may have been answered before their insert. */
  private addedSinceLoad = new Set<string>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async has(tenantId: string): Promise<boolean> {
    if (Date.now() - this.loadedAt >= TENANTS_REFRESH_MS) await this.refresh();
    return this.tenants.has(tenantId);
  }

  /** A portal was just created in this process: its tenant counts before the next refresh. */
  added(tenantId: string): void {
    this.tenants = new Set([...this.tenants, tenantId]);
    this.addedSinceLoad.add(tenantId);
  }

  /** One query however many events ask at once. */
  private refresh(): Promise<void> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<void> {
    const startedAt = Date.now();
    this.addedSinceLoad = new Set();
    const rows: { tenantId: string }[] = await this.db.query(
      `SELECT DISTINCT tenant_id AS "tenantId" FROM bitrix_portals`,
    );
    this.tenants = new Set([...rows.map((r) => r.tenantId), ...this.addedSinceLoad]);
    this.loadedAt = startedAt;
  }
}
