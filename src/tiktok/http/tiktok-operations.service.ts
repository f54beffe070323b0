import { Injectable } from '@nestjs/common';
import { ChannelRegistry } from '@core/channel/channel.registry';
import type { HubHealth } from '@core/channel/hub-health';
import { NotFoundError } from '@core/errors/domain-error';
import { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import { ChannelAccountsQuery } from '@app/messaging/channel-accounts/channel-accounts.query';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';

export interface TikTokAccountStatus {
  accountId: string;
  name: string;
  openId: string;
  provider: string;
  status: string;
  circuit: 'closed' | 'half-open' | 'open';
  lastActivityAt: Date | null;
}

/** Status and health of a tenant's TikTok accounts, like WhatsApp's operations routes. */
@Injectable()
export class TikTokOperationsService {
  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly accountsQuery: ChannelAccountsQuery,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly registry: ChannelRegistry,
  ) {}

  async status(tenantId: string, idOrName: string): Promise<TikTokAccountStatus> {
    const account = await this.accounts.get(tenantId, idOrName);
    if (account.hub !== 'tiktok') {
      // Another hub's account is no TikTok account: the same 404 as an unknown one.
      throw new NotFoundError('Channel account');
    }
    return {
      accountId: account.id,
      name: account.name,
      openId: account.externalId,
      provider: account.provider,
      status: account.status,
      circuit: this.breakers.state({
        hub: 'tiktok',
        provider: account.provider,
        account: account.id,
      }),
      lastActivityAt: await this.accountsQuery.lastActivityAt(tenantId, account.id),
    };
  }

  /** The TikTok provider's own health, plus the circuits of this tenant's accounts. */
  async health(tenantId: string): Promise<{
    providers: Array<{ provider: string } & HubHealth>;
    accounts: TikTokAccountStatus[];
  }> {
    const providers = await Promise.all(
      this.registry
        .list()
        .filter((provider) => provider.hub === 'tiktok')
        .map(async (provider) => ({
          provider: provider.provider,
          ...(await provider.checkHealth()),
        })),
    );
    const page = await this.accounts.list(tenantId, 100, undefined, 'tiktok');
    const accounts = await Promise.all(
      page.items.map((account) => this.status(tenantId, account.id)),
    );
    return { providers, accounts };
  }
}
