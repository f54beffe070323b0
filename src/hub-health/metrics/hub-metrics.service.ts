import { Inject, Injectable } from '@nestjs/common';
import { CHANNEL_PROVIDERS, ChannelProvider } from '@core/channel/channel-provider';
import { CallStats, HubCallSummary, WINDOW_MINUTES } from '@core/resilience/call-stats';
import { AccountHealthQuery } from '@app/messaging/operations/account-health.query';
import type { Scope } from '../scope';

export interface HubMetricsReport {
  windowMinutes: number;
  hubs: HubCallSummary[];
}

/**
 * Per hub over the last 5 minutes, every pod's calls added up (CallStats lives in Redis, not
 * in one pod's registry): requests, successes, failures by stable code, latency percentiles.
 * A tenant's numbers cover its own accounts only.
 */
@Injectable()
export class HubMetricsService {
  constructor(
    @Inject(CHANNEL_PROVIDERS) private readonly providers: readonly ChannelProvider[],
    private readonly calls: CallStats,
    private readonly accounts: AccountHealthQuery,
  ) {}

  async summary(scope: Scope): Promise<HubMetricsReport> {
    const own = scope.tenantId
      ? new Set((await this.accounts.list(scope)).map((account) => account.id))
      : undefined;
    const seen = await this.calls.hubs((key) => !own || own.has(key.account));
    const byHub = new Map(seen.map((summary) => [summary.hub, summary]));
    const hubs = [...new Set(this.providers.map((provider) => provider.hub))].sort();
    return {
      windowMinutes: WINDOW_MINUTES,
      hubs: hubs.map((hub) => byHub.get(hub) ?? idle(hub)),
    };
  }
}

function idle(hub: string): HubCallSummary {
  return {
    hub,
    requests: 0,
    successes: 0,
    faults: 0,
    rejected: 0,
    errorRate: 0,
    p95Ms: null,
    p50Ms: null,
    p99Ms: null,
    failuresByCode: {},
  };
}
