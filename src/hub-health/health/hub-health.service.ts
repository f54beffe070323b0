import { AppConfig } from '@config/app-config';
import { Inject, Injectable } from '@nestjs/common';
import { CHANNEL_PROVIDERS, ChannelProvider } from '@core/channel/channel-provider';
import { NotFoundError } from '@core/errors/domain-error';
import { breakerId } from '@core/resilience/breaker-key';
import { CallStats, CallWindow } from '@core/resilience/call-stats';
import { CircuitBoard, ClusterCircuit } from '@core/resilience/circuit-board';
import {
  AccountHealthListing,
  AccountHealthQuery,
} from '@app/messaging/operations/account-health.query';
import type { Scope } from '../scope';
import { HealthStatus, accountStatus, combinedStatus } from './hub-status';

export interface AccountHealth {
  id: string;
  tenantId: string;
  name: string;
  status: HealthStatus;
  reasons: string[];
  accountStatus: string;
  needsReauth: boolean;
  circuit: Pick<ClusterCircuit, 'state' | 'pods'>;
  calls: Omit<CallWindow, 'hub' | 'provider' | 'account'>;
  /** Outbound messages accepted and not yet sent. */
  backlog: number;
}

export interface ProviderHealth {
  provider: string;
  status: HealthStatus;
  accounts: AccountHealth[];
}

export interface HubHealthEntry {
  hub: string;
  status: HealthStatus;
  accountsNeedingReauth: number;
  backlog: number;
  providers: ProviderHealth[];
}

export interface HubHealthReport {
  status: HealthStatus;
  checkedAt: string;
  hubs: HubHealthEntry[];
}

/**
 * Every registered hub's health, from what the cluster has seen: the circuits every pod
 * published, the last 5 minutes of calls per account, account lifecycle, outbound backlog.
 * It calls no platform: a status page refreshed by many users must not become platform load
 * (the per-module Terminus indicators at /health/hubs probe the platforms).
 */
@Injectable()
export class HubHealthService {
  constructor(
    @Inject(CHANNEL_PROVIDERS) private readonly providers: readonly ChannelProvider[],
    private readonly accounts: AccountHealthQuery,
    private readonly board: CircuitBoard,
    private readonly calls: CallStats,
    private readonly config: AppConfig,
  ) {}

  /** The registered hubs, sorted: the answer to "which hubs are there". */
  hubs(): string[] {
    return [...new Set(this.providers.map((provider) => provider.hub))].sort();
  }

  /** Throws HUB.NOT_FOUND (404) for a hub no module registered. */
  assertHub(hub: string): void {
    if (!this.hubs().includes(hub)) throw new NotFoundError('Hub', 'HUB.NOT_FOUND');
  }

  async report(scope: Scope): Promise<HubHealthReport> {
    const hubs = await Promise.all(this.hubs().map((hub) => this.hub(hub, scope)));
    return {
      status: combinedStatus(hubs.map((hub) => hub.status)),
      checkedAt: new Date().toISOString(),
      hubs,
    };
  }

  async hub(hub: string, scope: Scope): Promise<HubHealthEntry> {
    this.assertHub(hub);
    const [listings, circuits] = await Promise.all([
      this.accounts.list({ ...scope, hub }),
      this.board.cluster(),
    ]);
    const circuitOf = new Map(circuits.map((circuit) => [breakerId(circuit), circuit]));
    const names = new Set(this.providers.filter((p) => p.hub === hub).map((p) => p.provider));
    for (const listing of listings) names.add(listing.provider);
    const providers = await Promise.all(
      [...names].sort().map(async (provider) => {
        const mine = listings.filter((listing) => listing.provider === provider);
        const accounts = await Promise.all(mine.map((l) => this.account(l, circuitOf)));
        return { provider, status: combinedStatus(accounts.map((a) => a.status)), accounts };
      }),
    );
    const all = providers.flatMap((provider) => provider.accounts);
    return {
      hub,
      status: combinedStatus(providers.map((provider) => provider.status)),
      accountsNeedingReauth: all.filter((account) => account.needsReauth).length,
      backlog: all.reduce((total, account) => total + account.backlog, 0),
      providers,
    };
  }

  private async account(
    listing: AccountHealthListing,
    circuits: Map<string, ClusterCircuit>,
  ): Promise<AccountHealth> {
    const key = { hub: listing.hub, provider: listing.provider, account: listing.id };
    const circuit = circuits.get(breakerId(key));
    const {
      hub: _hub,
      provider: _provider,
      account: _account,
      ...calls
    } = await this.calls.window(key);
    const state = circuit?.state ?? 'closed';
    const verdict = accountStatus(
      { accountStatus: listing.status, circuit: state, calls },
      this.config.hubHealth,
    );
    return {
      id: listing.id,
      tenantId: listing.tenantId,
      name: listing.name,
      ...verdict,
      accountStatus: listing.status,
      needsReauth: listing.status === 'needs_reauth',
      circuit: { state, pods: circuit?.pods ?? [] },
      calls,
      backlog: listing.queued,
    };
  }
}
