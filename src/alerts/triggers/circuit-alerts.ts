import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { AlertRaiser } from '@core/alerts/alert-raiser';
import { BreakerKey, describeBreaker } from '@core/resilience/breaker-key';
import { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import type { CircuitTransitionEvent } from '@core/resilience/circuit-breaker.registry';
import { CircuitOwner, CircuitOwnerResolver } from '@core/resilience/circuit-owner';
import { ChannelAccountsQuery } from '@app/messaging/channel-accounts/channel-accounts.query';
import { AlertType } from '../alert-types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Circuit transitions of this pod's breakers as alerts. Breakers live in each pod, so every
 * pod that sees the provider account fail raises the same condition: the dedup window and
 * the one firing row per condition make that one announcement.
 * - open: critical `circuit.open`;
 * - half-open: info `circuit.half_open` (a probe is being let through), which stays firing
 *   until the circuit closes, whatever the probes in between do;
 * - closed (a probe succeeded, or a manual reset): both resolved, one message each.
 * The first pod whose circuit closes resolves the condition.
 *
 * A breaker of a tenant's resource raises the alert as that tenant's, so its own channels
 * hear it (and the operators', see AlertTargets): a channel account's (a send's circuit), or
 * one a module answers for through a @CircuitOwner() resolver (a Google Calendar connection,
 * a Bitrix24 portal). Any other breaker raises a platform alert. Every pod finds the same
 * owner, so raise and resolve name one condition.
 */
@Injectable()
export class CircuitAlerts implements OnModuleInit {
  private readonly logger = new Logger(CircuitAlerts.name);
  /** Resolvers by `hub/provider`. */
  private owners = new Map<string, CircuitOwnerResolver>();

  constructor(
    private readonly breakers: CircuitBreakerRegistry,
    private readonly alerts: AlertRaiser,
    private readonly accounts: ChannelAccountsQuery,
    private readonly discovery: DiscoveryService,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: CircuitOwner.KEY })) {
      const resolver = wrapper.instance as Partial<CircuitOwnerResolver> | undefined;
      if (!resolver?.hub || !resolver.provider || typeof resolver.ownerOf !== 'function') {
        throw new Error(
          `${String(wrapper.name)} is marked @CircuitOwner() but lacks hub, provider or ownerOf()`,
        );
      }
      this.owners.set(`${resolver.hub}/${resolver.provider}`, resolver as CircuitOwnerResolver);
    }
    this.breakers.onTransition((transition) => void this.handle(transition));
  }

  private async handle({
    key,
    from,
    to: state,
    settings,
    cause: code,
  }: CircuitTransitionEvent): Promise<void> {
    const subject = describeBreaker(key);
    const tenantId = await this.ownerOf(key);
    const labels = { hub: key.hub, provider: key.provider, account: key.account };
    if (state === 'open') {
      const why =
        from === 'half-open'
          ? 'the probe call failed'
          : `${settings.failureThreshold} consecutive failures`;
      await this.alerts.raise({
        type: AlertType.CircuitOpen,
        subject,
        tenantId,
        severity: 'critical',
        title: `Circuit ${subject} opened`,
        detail:
          `Calls to ${key.hub}/${key.provider} for account ${key.account} are cut off after ${why}` +
          `${code ? ` (last error ${code})` : ''}; a probe is let through in ` +
          `${Math.round(settings.halfOpenAfterMs / 1000)} s.`,
        labels,
      });
    } else if (state === 'half-open') {
      await this.alerts.raise({
        type: AlertType.CircuitHalfOpen,
        subject,
        tenantId,
        severity: 'info',
        title: `Circuit ${subject} is half-open`,
        detail: 'A probe call is let through; the circuit closes when one succeeds.',
        labels,
      });
    } else {
      const detail = `Circuit ${subject} closed (was ${from}).`;
      await this.alerts.resolve({ type: AlertType.CircuitOpen, subject, tenantId }, detail);
      await this.alerts.resolve({ type: AlertType.CircuitHalfOpen, subject, tenantId }, detail);
    }
  }

  /**
   * The tenant whose resource the breaker guards: the module's resolver for its hub and
   * provider when it has one, else the channel account's; null for any other breaker.
   */
  private async ownerOf(key: BreakerKey): Promise<string | null> {
    const resolver = this.owners.get(`${key.hub}/${key.provider}`);
    if (!resolver && !UUID.test(key.account)) return null;
    try {
      if (resolver) return await resolver.ownerOf(key.account);
      const account = await this.accounts.byId(key.account, {
        hub: key.hub,
        provider: key.provider,
      });
      return account?.tenantId ?? null;
    } catch (error) {
      // The alert still goes out, to the operators, rather than not at all.
      this.logger.warn({ err: error, circuit: describeBreaker(key) }, 'Circuit owner not found');
      return null;
    }
  }
}
