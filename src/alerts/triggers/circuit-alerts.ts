import { Injectable, OnModuleInit } from '@nestjs/common';
import { AlertRaiser } from '@core/alerts/alert-raiser';
import { describeBreaker } from '@core/resilience/breaker-key';
import { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import type { CircuitTransitionEvent } from '@core/resilience/circuit-breaker.registry';
import { AlertType } from '../alert-types';

/**
 * Circuit transitions of this pod's breakers as alerts. Breakers live in each pod, so every
 * pod that sees the provider account fail raises the same condition: the dedup window and
 * the one firing row per condition make that one announcement.
 * - open: critical `circuit.open`;
 * - half-open: info `circuit.half_open` (a probe is being let through), which stays firing
 *   until the circuit closes, whatever the probes in between do;
 * - closed (a probe succeeded, or a manual reset): both resolved, one message each.
 * The first pod whose circuit closes resolves the condition.
 */
@Injectable()
export class CircuitAlerts implements OnModuleInit {
  constructor(
    private readonly breakers: CircuitBreakerRegistry,
    private readonly alerts: AlertRaiser,
  ) {}

  onModuleInit(): void {
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
    const labels = { hub: key.hub, provider: key.provider, account: key.account };
    if (state === 'open') {
      const why =
        from === 'half-open'
          ? 'the probe call failed'
          : `${settings.failureThreshold} consecutive failures`;
      await this.alerts.raise({
        type: AlertType.CircuitOpen,
        subject,
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
        severity: 'info',
        title: `Circuit ${subject} is half-open`,
        detail: 'A probe call is let through; the circuit closes when one succeeds.',
        labels,
      });
    } else {
      const detail = `Circuit ${subject} closed (was ${from}).`;
      await this.alerts.resolve({ type: AlertType.CircuitOpen, subject }, detail);
      await this.alerts.resolve({ type: AlertType.CircuitHalfOpen, subject }, detail);
    }
  }
}
