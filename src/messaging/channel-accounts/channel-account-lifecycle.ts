import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { retiresAccounts } from '@core/channel/account-retirement';
import { ChannelRegistry } from '@core/channel/channel.registry';
import { NotFoundError } from '@core/errors/domain-error';
import { ChannelAccountEntity } from '../entities/channel-account.entity';
import { accountStatusEvents, messageEvents } from '../events/record-events.sql';
import type { ChannelAccountDto } from './channel-account.view';
import { ChannelAccountsService } from './channel-accounts.service';

/** Queued sends of an account the tenant deleted fail with this code. */
export const CHANNEL_ACCOUNT_DELETED = 'CHANNEL_ACCOUNT.DELETED';

/** What a tenant may change on an account; an absent field stays as it is. */
export interface ChannelAccountChanges {
  /** False switches the account off, true back on. */
  enabled?: boolean;
  /** A label for people; null clears it. */
  displayName?: string | null;
}

/**
 * The tenant's switches on an account, for every channel alike.
 *
 * Disabling pauses the account rather than disconnecting it: it sends nothing (new sends are
 * refused with 422, queued ones fail with CHANNEL_ACCOUNT.DISABLED when their turn comes) and
 * is never taken as another account's fallback, but customers' messages to it are still
 * stored: the platform keeps delivering them, and dropping what a customer wrote is worse than
 * showing it late. Enabling gives back the status the platform left it in.
 *
 * Deleting retires it for good: the platform side is released first (an Evolution instance is
 * deleted; a provider that holds nothing is not asked), then in one statement the row is hidden
 * and unroutable (its webhooks find no account), queued sends fail, and no account keeps it as
 * a fallback. Its conversations and messages stay, readable in the history; the same platform
 * account can be connected again as a new account.
 */
@Injectable()
export class ChannelAccountLifecycle {
  private readonly logger = new Logger(ChannelAccountLifecycle.name);

  constructor(
    @InjectRepository(ChannelAccountEntity)
    private readonly rows: Repository<ChannelAccountEntity>,
    private readonly accounts: ChannelAccountsService,
    private readonly registry: ChannelRegistry,
  ) {}

  /**
   * Applies the changes; switching on or off records `account.status_changed` (with `disabled`,
   * or the status the account shows again) in the same statement, a repeated switch nothing.
   */
  async update(
    tenantId: string,
    idOrName: string,
    changes: ChannelAccountChanges,
  ): Promise<ChannelAccountDto> {
    const account = await this.accounts.get(tenantId, idOrName);
    // The statement ends in a SELECT, so query() answers its rows (not [rows, count]).
    const rows: { id: string }[] = await this.rows.query(
      `WITH prev AS (
         SELECT id AS locked_id, disabled_at AS was_disabled FROM channel_accounts
          WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL FOR UPDATE),
       changed AS (
         UPDATE channel_accounts a SET
           display_name = CASE WHEN $3 THEN $4 ELSE a.display_name END,
           disabled_at = CASE WHEN $5::boolean IS NULL THEN a.disabled_at
                              WHEN $5 THEN NULL ELSE coalesce(a.disabled_at, now()) END,
           updated_at = now()
           FROM prev WHERE a.id = prev.locked_id
         RETURNING a.id, a.tenant_id,
           CASE WHEN a.disabled_at IS NULL THEN a.status ELSE 'disabled' END AS status,
           (a.disabled_at IS NULL) <> (prev.was_disabled IS NULL) AS switched),
       event AS (${accountStatusEvents('changed', 'switched')})
       SELECT id FROM changed`,
      [
        account.id,
        tenantId,
        changes.displayName !== undefined,
        changes.displayName ?? null,
        changes.enabled ?? null,
      ],
    );
    // Deleted between the read and the lock: gone for this caller too.
    await this.accounts.changed();
    if (rows.length === 0) throw new NotFoundError('Channel account');
    return this.accounts.get(tenantId, account.id);
  }

  async delete(tenantId: string, idOrName: string): Promise<void> {
    const account = await this.accounts.open(tenantId, idOrName);
    const provider = this.registry
      .list()
      .find((p) => p.hub === account.hub && p.provider === account.provider);
    if (provider && retiresAccounts(provider)) await provider.retireAccount(account);
    const rows: { failed: number }[] = await this.rows.query(
      `WITH gone AS (
         UPDATE channel_accounts SET deleted_at = now(), fallback_account_id = NULL, updated_at = now()
          WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL
         RETURNING id, tenant_id, 'disabled'::text AS status),
       unlinked AS (
         UPDATE channel_accounts SET fallback_account_id = NULL
          WHERE tenant_id = $2 AND fallback_account_id = $1 AND EXISTS (SELECT 1 FROM gone)),
       failed AS (
         UPDATE messages SET status = 'failed', failed_at = now(), error_code = $3,
                error_title = $4, updated_at = now()
          WHERE status = 'queued' AND channel_account_id = $1 AND tenant_id = $2
            AND direction = 'outbound' AND EXISTS (SELECT 1 FROM gone)
         RETURNING id, tenant_id, conversation_id, status, error_code),
       account_event AS (${accountStatusEvents('gone')}),
       message_events AS (${messageEvents('failed', 'message.status_changed')})
       SELECT (SELECT count(*) FROM failed)::int AS failed`,
      [
        account.id,
        tenantId,
        CHANNEL_ACCOUNT_DELETED,
        'The channel account was deleted before this message was sent',
      ],
    );
    await this.accounts.changed();
    this.logger.log(
      { accountId: account.id, failedSends: rows[0]?.failed ?? 0 },
      'Channel account deleted',
    );
  }
}
