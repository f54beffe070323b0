import { Injectable } from '@nestjs/common';
import { TenantWebhooksRepository, WebhookRow } from './tenant-webhooks.repository';

/** How long a process trusts what it read: a new subscription elsewhere is seen within this. */
export const ACTIVE_SUBSCRIPTIONS_TTL_MS = 5_000;
/** Past this many tenants, expired entries are dropped before another is added. */
const MAX_TENANTS = 10_000;

/**
 * A tenant's active subscriptions, read at most once per ACTIVE_SUBSCRIPTIONS_TTL_MS per process.
 * The fan-out runs for every messaging event, 2 to 3 per message, and most tenants subscribe to
 * nothing: one query per event added about 2.4 PostgreSQL commits to every message sent
 * (outbound benchmark). Changes made through this process are seen at once (`forget`); a
 * subscription created or changed on another pod takes effect within the TTL.
 */
@Injectable()
export class ActiveSubscriptions {
  private readonly byTenant = new Map<string, { rows: Promise<WebhookRow[]>; expiresAt: number }>();

  constructor(private readonly webhooks: TenantWebhooksRepository) {}

  async matching(tenantId: string, eventType: string): Promise<WebhookRow[]> {
    const now = Date.now();
    let entry = this.byTenant.get(tenantId);
    if (!entry || entry.expiresAt <= now) {
      if (this.byTenant.size >= MAX_TENANTS) this.dropExpired(now);
      entry = {
        rows: this.webhooks.activeOf(tenantId),
        expiresAt: now + ACTIVE_SUBSCRIPTIONS_TTL_MS,
      };
      this.byTenant.set(tenantId, entry);
      // A failed read is not kept: the next event asks again.
      entry.rows.catch(() => this.byTenant.delete(tenantId));
    }
    return (await entry.rows).filter((webhook) => webhook.eventTypes.includes(eventType));
  }

  /** The tenant's subscriptions changed here: read them again on the next event. */
  forget(tenantId: string): void {
    this.byTenant.delete(tenantId);
  }

  private dropExpired(now: number): void {
    for (const [tenantId, entry] of this.byTenant) {
      if (entry.expiresAt <= now) this.byTenant.delete(tenantId);
    }
    if (this.byTenant.size >= MAX_TENANTS) this.byTenant.clear();
  }
}
