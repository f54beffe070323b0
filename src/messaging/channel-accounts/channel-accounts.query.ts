import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { HubName } from '@core/channel/hub-name';
import { ChannelAccountEntity } from '../entities/channel-account.entity';
import type { ChannelAccountStatus } from './channel-account-status';

/** One hub's accounts of one provider (e.g. WhatsApp accounts on Evolution). */
export interface ProviderAccounts {
  hub: HubName;
  provider: string;
}

/** An account as a platform module lists it: no credentials (opened one at a time, elsewhere). */
export interface ChannelAccountListing {
  id: string;
  tenantId: string;
  name: string;
  /** The platform's id for the account (phone number id, Evolution instance name...). */
  externalId: string;
  status: ChannelAccountStatus;
}

/**
 * Account listings for platform modules, which read channel accounts only through messaging:
 * a tenant's accounts of one provider, keyset pages over every tenant's (for periodic tasks),
 * one account by id whatever its tenant (webhook routing), and when an account last had a
 * conversation move. Deleted accounts (kept for their history) are never listed, nor are
 * `disabled` ones (an Evolution instance whose creation failed); periodic tasks (`page`) also
 * skip the accounts a tenant has switched off.
 */
@Injectable()
export class ChannelAccountsQuery {
  constructor(
    @InjectRepository(ChannelAccountEntity)
    private readonly accounts: Repository<ChannelAccountEntity>,
  ) {}

  /** The tenant's accounts of this provider, optionally only in these statuses; by id. */
  ofTenant(
    tenantId: string,
    of: ProviderAccounts,
    statuses?: readonly ChannelAccountStatus[],
  ): Promise<ChannelAccountListing[]> {
    return this.accounts.query(
      `SELECT ${LISTING} FROM channel_accounts
        WHERE tenant_id = $1 AND hub = $2 AND provider = $3 AND status <> 'disabled'
          AND deleted_at IS NULL
          AND ($4::text[] IS NULL OR (status = ANY($4) AND disabled_at IS NULL))
        ORDER BY id`,
      [tenantId, of.hub, of.provider, statuses ?? null],
    );
  }

  /** One page of every tenant's accounts of this provider in these statuses, after `afterId`. */
  page(
    of: ProviderAccounts,
    statuses: readonly ChannelAccountStatus[],
    afterId: string | null,
    limit: number,
  ): Promise<ChannelAccountListing[]> {
    return this.accounts.query(
      `SELECT ${LISTING} FROM channel_accounts
        WHERE hub = $1 AND provider = $2 AND status = ANY($3) AND status <> 'disabled'
          AND disabled_at IS NULL AND deleted_at IS NULL
          AND ($4::uuid IS NULL OR id > $4)
        ORDER BY id LIMIT $5`,
      [of.hub, of.provider, statuses, afterId, limit],
    );
  }

  /** The account with this id if it is one of this provider's, whatever its tenant. */
  async byId(accountId: string, of: ProviderAccounts): Promise<ChannelAccountListing | null> {
    const rows: ChannelAccountListing[] = await this.accounts.query(
      `SELECT ${LISTING} FROM channel_accounts
        WHERE id = $1 AND hub = $2 AND provider = $3 AND deleted_at IS NULL`,
      [accountId, of.hub, of.provider],
    );
    return rows[0] ?? null;
  }

  /** When a conversation of the tenant's account last had a message; null when none has. */
  async lastActivityAt(tenantId: string, accountId: string): Promise<Date | null> {
    const rows: { last: Date | null }[] = await this.accounts.query(
      `SELECT max(last_message_at) AS last FROM conversations
        WHERE tenant_id = $1 AND channel_account_id = $2`,
      [tenantId, accountId],
    );
    return rows[0]?.last ?? null;
  }
}

// The status as the API shows it: `disabled` while the tenant has switched the account off.
const LISTING = `id, tenant_id AS "tenantId", name, external_id AS "externalId",
  CASE WHEN disabled_at IS NULL THEN status ELSE 'disabled' END AS status`;
