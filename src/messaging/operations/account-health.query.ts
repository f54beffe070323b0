import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ChannelAccountEntity } from '../entities/channel-account.entity';
import type { ChannelAccountStatus } from '../channel-accounts/channel-account-status';

/** An account as hub health reports it: no credentials, and its outbound backlog. */
export interface AccountHealthListing {
  id: string;
  tenantId: string;
  name: string;
  hub: string;
  provider: string;
  status: ChannelAccountStatus;
  /** Outbound messages still `queued` (accepted, not yet sent). */
  queued: number;
}

/** Accounts listed per request at most; a health page is not an account export. */
export const ACCOUNT_HEALTH_LIMIT = 2_000;

/**
 * Every live (not deleted) account, of one tenant or of all, with its send backlog: what the
 * hub health routes show per account. Deleted (`disabled`) accounts are left out.
 */
@Injectable()
export class AccountHealthQuery {
  constructor(
    @InjectRepository(ChannelAccountEntity)
    private readonly accounts: Repository<ChannelAccountEntity>,
  ) {}

  async list(scope: { tenantId?: string; hub?: string }): Promise<AccountHealthListing[]> {
    const rows: (Omit<AccountHealthListing, 'queued'> & { queued: string })[] =
      await this.accounts.query(
        `SELECT a.id, a.tenant_id AS "tenantId", a.name, a.hub, a.provider, a.status,
                coalesce(q.queued, 0) AS queued
           FROM channel_accounts a
           -- Queued rows are few and covered by a partial index: one pass counts them all.
           LEFT JOIN (SELECT channel_account_id, count(*) AS queued FROM messages
                       WHERE status = 'queued' AND direction = 'outbound'
                         AND ($1::uuid IS NULL OR tenant_id = $1)
                       GROUP BY channel_account_id) q ON q.channel_account_id = a.id
          WHERE a.status <> 'disabled' AND ($1::uuid IS NULL OR a.tenant_id = $1)
            AND ($2::text IS NULL OR a.hub = $2)
          ORDER BY a.hub, a.provider, a.id
          LIMIT $3`,
        [scope.tenantId ?? null, scope.hub ?? null, ACCOUNT_HEALTH_LIMIT],
      );
    return rows.map((row) => ({ ...row, queued: Number(row.queued) }));
  }
}
