import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { HubIndicator, HubIndicatorReport, RegisterHubIndicator } from './hub-indicator';

/** A check slower than this reports the hub down instead of holding the probe. */
const CHECK_TIMEOUT_MS = 3_000;
/** Results are shared this long: many status-page readers must not become platform load. */
const CACHE_MS = 15_000;

/**
 * The hub indicators every module contributed with @RegisterHubIndicator(), run as Terminus
 * checks for /health/hubs. Two indicators for one hub fail the boot.
 */
@Injectable()
export class HubIndicatorRegistry implements OnModuleInit {
  private readonly indicators: HubIndicator[] = [];
  private readonly cache = new Map<string, { at: number; report: Promise<HubIndicatorReport> }>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly health: HealthIndicatorService,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: RegisterHubIndicator.KEY })) {
      const indicator = wrapper.instance as Partial<HubIndicator> | undefined;
      const origin = wrapper.metatype?.name ?? String(wrapper.token);
      if (typeof indicator?.hub !== 'string' || typeof indicator.check !== 'function') {
        throw new Error(`${origin} is marked @RegisterHubIndicator() but has no hub and check()`);
      }
      if (this.indicators.some((known) => known.hub === indicator.hub)) {
        throw new Error(`Two hub indicators for ${indicator.hub} (one is ${origin})`);
      }
      this.indicators.push(indicator as HubIndicator);
    }
  }

  get hubs(): string[] {
    return this.indicators.map((indicator) => indicator.hub).sort();
  }

  /** Terminus checks, one per hub; `degraded` still counts as up (the hub works). */
  checks(): (() => Promise<HealthIndicatorResult>)[] {
    return this.indicators.map((indicator) => async () => {
      const result = this.health.check(indicator.hub);
      try {
        const { status, ...details } = await this.report(indicator);
        return status === 'down'
          ? result.down({ state: status, ...details })
          : result.up({ state: status, ...details });
      } catch (error) {
        return result.down({ state: 'down', message: (error as Error).message });
      }
    });
  }

  private report(indicator: HubIndicator): Promise<HubIndicatorReport> {
    const cached = this.cache.get(indicator.hub);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.report;
    const report = withTimeout(indicator.check(), CHECK_TIMEOUT_MS);
    this.cache.set(indicator.hub, { at: Date.now(), report });
    return report;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`check took over ${ms} ms`)), ms).unref(),
    ),
  ]);
}
