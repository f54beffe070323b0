import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ChannelAccountStatus } from '@app/messaging/channel-accounts/channel-account-status';

export interface EvolutionAccountRow {
  id: string;
  tenantId: string;
  name: string;
  status: ChannelAccountStatus;
}

/**
 * Lists Evolution accounts without their credentials (opened one at a time through
 * ChannelAccountsService when a call needs them). Ordered by id so large scans page by keyset.
 */
@Injectable()
export class EvolutionAccountsQuery {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The tenant's instances, except deleted ones (`disabled`, kept for history). */
  ofTenant(tenantId: string, statuses?: ChannelAccountStatus[]): Promise<EvolutionAccountRow[]> {
    return this.db.query(
      `SELECT id, tenant_id AS "tenantId", name, status FROM channel_accounts
       WHERE tenant_id = $1 AND hub = 'whatsapp' AND provider = 'evolution'
         AND status <> 'disabled' AND ($2::text[] IS NULL OR status = ANY($2))
       ORDER BY id`,
      [tenantId, statuses ?? null],
    );
  }

  /** One page of every tenant's accounts in these statuses, after `afterId`. */
  page(
    statuses: ChannelAccountStatus[],
    afterId: string | null,
    limit: number,
  ): Promise<EvolutionAccountRow[]> {
    return this.db.query(
      `SELECT id, tenant_id AS "tenantId", name, status FROM channel_accounts
       WHERE hub = 'whatsapp' AND provider = 'evolution' AND status = ANY($1)
         AND ($2::uuid IS NULL OR id > $2)
       ORDER BY id LIMIT $3`,
      [statuses, afterId, limit],
    );
  }
}
