import { Injectable } from '@nestjs/common';
import { ChannelRegistry } from '@core/channel/channel.registry';
import type { HubHealth } from '@core/channel/hub-health';
import { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import { ChannelAccountsQuery } from '@app/messaging/channel-accounts/channel-accounts.query';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { FailedSendsRedrive } from '@app/messaging/operations/failed-sends.redrive';
import { MessageCountsQuery } from '@app/messaging/operations/message-counts.query';
import { EvolutionInstancesService } from '@app/whatsapp/instances/evolution-instances.service';
import type { InstanceState, QrCodeDto } from '@app/whatsapp/instances/instances.dto';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface InstanceStatus {
  instanceId: string;
  accountId: string;
  provider: string;
  status: string;
  circuit: 'closed' | 'half-open' | 'open';
  lastActivityAt: Date | null;
  /** Evolution instances only: the session as Evolution reports it right now. */
  connectionState?: InstanceState;
  /** Evolution instances only, while not connected: the latest QR / pairing code. */
  qrCode?: QrCodeDto;
}

/**
 * The operational routes the frontend already uses for WhatsApp: instance status, hub
 * health, message counters and re-driving failed sends. Tenant-scoped throughout. Counting
 * and re-driving are messaging's (any channel); these are their WhatsApp-scoped callers.
 */
@Injectable()
export class WhatsappOperationsService {
  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly accountsQuery: ChannelAccountsQuery,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly registry: ChannelRegistry,
    private readonly redrive: FailedSendsRedrive,
    private readonly counter: MessageCountsQuery,
    private readonly evolutionInstances: EvolutionInstancesService,
  ) {}

  async status(tenantId: string, instanceId: string): Promise<InstanceStatus> {
    const account = await this.accounts.get(tenantId, instanceId);
    return {
      instanceId: account.name,
      accountId: account.id,
      provider: account.provider,
      status: account.status,
      circuit: this.breakers.state({
        hub: 'whatsapp',
        provider: account.provider,
        account: account.id,
      }),
      lastActivityAt: await this.accountsQuery.lastActivityAt(tenantId, account.id),
      ...(account.provider === 'evolution' && account.status !== 'disabled'
        ? await this.evolutionSession(tenantId, account.id)
        : {}),
    };
  }

  private async evolutionSession(
    tenantId: string,
    accountId: string,
  ): Promise<Pick<InstanceStatus, 'connectionState' | 'qrCode'>> {
    const { state, qrCode } = await this.evolutionInstances.sessionOf(tenantId, accountId);
    return { connectionState: state, ...(qrCode ? { qrCode } : {}) };
  }

  /** Each WhatsApp provider's own health, plus the circuits of this tenant's accounts. */
  async health(
    tenantId: string,
  ): Promise<{ providers: Array<{ provider: string } & HubHealth>; circuits: InstanceStatus[] }> {
    const providers = await Promise.all(
      this.registry
        .list()
        .filter((provider) => provider.hub === 'whatsapp')
        .map(async (provider) => ({
          provider: provider.provider,
          ...(await provider.checkHealth()),
        })),
    );
    const page = await this.accounts.list(tenantId, 100, undefined, 'whatsapp');
    const circuits = await Promise.all(
      page.items.map((account) => this.status(tenantId, account.id)),
    );
    return { providers, circuits };
  }

  /** WhatsApp message counts of the last 24 hours, by direction and status (all accounts). */
  async metrics(
    tenantId: string,
  ): Promise<{ since: Date; counts: Array<{ direction: string; status: string; count: number }> }> {
    const since = new Date(Date.now() - DAY_MS);
    const perAccount = await this.counter.counts(tenantId, { since, hub: 'whatsapp' });
    const totals = new Map<string, { direction: string; status: string; count: number }>();
    for (const { direction, status, count } of perAccount) {
      const key = `${direction}/${status}`;
      const total = totals.get(key) ?? { direction, status, count: 0 };
      total.count += count;
      totals.set(key, total);
    }
    const counts = [...totals.values()].sort(
      (a, b) => a.direction.localeCompare(b.direction) || a.status.localeCompare(b.status),
    );
    return { since, counts };
  }

  /** Re-drives the tenant's failed WhatsApp sends (FailedSendsRedrive has the rules). */
  retryFailed(
    tenantId: string,
    filter: { instanceId?: string; messageIds?: string[]; since?: string },
  ): Promise<{ requeued: number }> {
    return this.redrive.retry(tenantId, {
      hub: 'whatsapp',
      channelAccount: filter.instanceId,
      messageIds: filter.messageIds,
      since: filter.since ? new Date(filter.since) : undefined,
    });
  }
}
