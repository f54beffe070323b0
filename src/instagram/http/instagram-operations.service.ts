import { Injectable } from '@nestjs/common';
import { ChannelRegistry } from '@core/channel/channel.registry';
import type { HubHealth } from '@core/channel/hub-health';
import { NotFoundError } from '@core/errors/domain-error';
import { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import { ChannelAccountsQuery } from '@app/messaging/channel-accounts/channel-accounts.query';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';

export interface InstagramAccountStatus {
  accountId: string;
  name: string;
  instagramAccountId: string;
  provider: string;
  status: string;
  circuit: 'closed' | 'half-open' | 'open';
  lastActivityAt: Date | null;
}

/** Status and health of a tenant's Instagram accounts, like WhatsApp's operations routes. */
@Injectable()
export class InstagramOperationsService {
  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly accountsQuery: ChannelAccountsQuery,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly registry: ChannelRegistry,
  ) {}

  async status(tenantId: string, idOrName: string): Promise<InstagramAccountStatus> {
    const account = await this.accounts.get(tenantId, idOrName);
    if (account.hub !== 'instagram') {
      // Another hub's account is no Instagram account: the same 404 as an unknown one.
      throw new NotFoundError('Channel account');
    }
    return {
      accountId: account.id,
      name: account.name,
      instagramAccountId: account.externalId,
      provider: account.provider,
      status: account.status,
      circuit: this.breakers.state({
        hub: 'instagram',
        provider: account.provider,
        account: account.id,
      }),
      lastActivityAt: await this.accountsQuery.lastActivityAt(tenantId, account.id),
    };
  }

  /** The Instagram provider's own health, plus the circuits of this tenant's accounts. */
  async health(tenantId: string): Promise<{
    providers: Array<{ provider: string } & HubHealth>;
    accounts: InstagramAccountStatus[];
  }> {
    const providers = await Promise.all(
      this.registry
        .list()
        .filter((provider) => provider.hub === 'instagram')
        .map(async (provider) => ({
          provider: provider.provider,
          ...(await provider.checkHealth()),
        })),
    );
    const page = await this.accounts.list(tenantId, 100, undefined, 'instagram');
    const accounts = await Promise.all(
      page.items.map((account) => this.status(tenantId, account.id)),
    );
    return { providers, accounts };
  }
}
