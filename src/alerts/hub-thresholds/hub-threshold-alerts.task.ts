import { AppConfig } from '@config/app-config';
import { Injectable } from '@nestjs/common';
import { AlertRaiser } from '@core/alerts/alert-raiser';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { AlertType } from '../alert-types';
import { AlertsRepository } from '../history/alerts.repository';
import { quantileSeconds } from './hub-call-stats';
import { HubCallWindows } from './hub-call-windows';

const WINDOW_MS = 5 * 60_000;
const HUB_TYPES = [AlertType.HubErrorRate, AlertType.HubSuccessRate, AlertType.HubLatency];

interface Verdict {
  hub: string;
  calls: number;
  errorRate: number;
  successRate: number;
  p95Ms?: number;
}

/**
 * The seed's hub thresholds over the last 5 minutes of every pod's calls (HubCallWindows),
 * checked once across the cluster every ALERTS_CHECK_INTERVAL_MS:
 * - `hub.error_rate`: platform faults (timeouts, network, 5xx, 429) over ALERTS_ERROR_RATE_THRESHOLD;
 * - `hub.success_rate`: successes under ALERTS_SUCCESS_RATE_THRESHOLD, counting our own
 *   refused requests (4xx) too, which the error rate leaves out;
 * - `hub.latency`: p95 over ALERTS_LATENCY_P95_THRESHOLD_MS (estimated from the histogram's
 *   buckets as Prometheus does, so it is as coarse as they are).
 * A hub with fewer than ALERTS_MIN_CALLS calls in the window is not judged, and what it had
 * firing is resolved (also when it made no call at all): no evidence is left that it fails.
 */
@Injectable()
@MaintenanceTask()
export class HubThresholdAlertsTask implements PeriodicTask {
  readonly name = 'alerts.hub-thresholds';
  readonly everyMs: number;

  constructor(
    private readonly config: AppConfig,
    private readonly windows: HubCallWindows,
    private readonly alerts: AlertRaiser,
    private readonly history: AlertsRepository,
  ) {
    this.everyMs = config.alerts.checkIntervalMs;
  }

  async run(): Promise<Verdict[]> {
    const verdicts: Verdict[] = [];
    for (const [hub, stats] of await this.windows.read(WINDOW_MS)) {
      const p95 = quantileSeconds(0.95, stats.buckets);
      const verdict: Verdict = {
        hub,
        calls: stats.calls,
        errorRate: stats.calls ? stats.platformFaults / stats.calls : 0,
        successRate: stats.calls ? stats.successes / stats.calls : 1,
        p95Ms: p95 === undefined ? undefined : Math.round(p95 * 1000),
      };
      verdicts.push(verdict);
      await this.judge(verdict);
    }
    await this.resolveSilent(new Set(verdicts.map((v) => v.hub)));
    return verdicts;
  }

  /** A hub that made no call in the window gives no evidence of failing any more. */
  private async resolveSilent(judged: ReadonlySet<string>): Promise<void> {
    for (const type of HUB_TYPES) {
      const firing = await this.history.list({ type, status: 'firing', limit: 1_000 });
      for (const alert of firing) {
        if (alert.tenantId !== null || judged.has(alert.subject.replace(/^hub\//, ''))) continue;
        await this.alerts.resolve(
          { type, subject: alert.subject },
          'No calls in the last 5 minutes.',
        );
      }
    }
  }

  private async judge(v: Verdict): Promise<void> {
    const t = this.config.alerts;
    const judged = v.calls >= t.minCalls;
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    await this.check(judged && v.errorRate > t.errorRateThreshold, v.hub, {
      type: AlertType.HubErrorRate,
      severity: 'critical',
      title: `${v.hub}: ${pct(v.errorRate)} of calls failed on the platform's side`,
      detail: `${v.calls} calls in the last 5 minutes; threshold ${pct(t.errorRateThreshold)}.`,
    });
    await this.check(judged && v.successRate < t.successRateThreshold, v.hub, {
      type: AlertType.HubSuccessRate,
      severity: 'critical',
      title: `${v.hub}: only ${pct(v.successRate)} of calls succeeded`,
      detail: `${v.calls} calls in the last 5 minutes; threshold ${pct(t.successRateThreshold)}.`,
    });
    const slow = v.p95Ms !== undefined && v.p95Ms > t.latencyP95ThresholdMs;
    await this.check(judged && slow, v.hub, {
      type: AlertType.HubLatency,
      severity: 'warning',
      title: `${v.hub}: p95 latency ${v.p95Ms} ms`,
      detail: `Over ${v.calls} calls in the last 5 minutes; threshold ${t.latencyP95ThresholdMs} ms.`,
    });
  }

  private async check(
    firing: boolean,
    hub: string,
    alert: { type: string; severity: 'critical' | 'warning'; title: string; detail: string },
  ): Promise<void> {
    const subject = `hub/${hub}`;
    if (firing) await this.alerts.raise({ ...alert, subject, labels: { hub } });
    else await this.alerts.resolve({ type: alert.type, subject }, 'Back within its threshold.');
  }
}
