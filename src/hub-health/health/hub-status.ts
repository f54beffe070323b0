import type { CallWindow } from '@core/resilience/call-stats';
import type { CircuitStateName } from '@core/resilience/tracked-circuit';

export type HealthStatus = 'healthy' | 'degraded' | 'down';

export interface HealthThresholds {
  errorRate: number;
  p95Ms: number;
  minCalls: number;
}

export interface AccountSignals {
  /** The account's lifecycle status (needs_reauth, disconnected, active). */
  accountStatus: string;
  /** The worst state of the account's circuit on any live pod. */
  circuit: CircuitStateName;
  calls: Pick<CallWindow, 'requests' | 'errorRate' | 'p95Ms' | 'lastOutcome'>;
}

/**
 * One account's status and why. Down: nothing goes out (circuit open, credentials refused,
 * session gone). Degraded: it works but badly: a probe is pending (half-open), it is slow, or
 * it is failing now at a rate over the limit. "Now" matters: the error rate covers 5 minutes,
 * so an account whose latest call succeeded after an outage is healthy again while its rate
 * still shows the outage.
 */
export function accountStatus(
  signals: AccountSignals,
  limits: HealthThresholds,
): { status: HealthStatus; reasons: string[] } {
  const reasons: string[] = [];
  if (signals.circuit === 'open') reasons.push('circuit open');
  if (signals.accountStatus === 'needs_reauth') reasons.push('needs re-authorisation');
  if (signals.accountStatus === 'disconnected') reasons.push('disconnected');
  if (reasons.length > 0) return { status: 'down', reasons };

  const { calls } = signals;
  const enough = calls.requests >= limits.minCalls;
  if (signals.circuit === 'half-open') reasons.push('circuit half-open');
  if (enough && calls.lastOutcome !== 'success' && calls.errorRate > limits.errorRate) {
    reasons.push(`error rate ${Math.round(calls.errorRate * 100)} % over 5 min`);
  }
  if (enough && calls.p95Ms !== null && calls.p95Ms > limits.p95Ms) {
    reasons.push(`p95 latency ${calls.p95Ms} ms over 5 min`);
  }
  return { status: reasons.length > 0 ? 'degraded' : 'healthy', reasons };
}

/**
 * A group's status from its members': down when every member is down, degraded when any is
 * not healthy, healthy otherwise (and when it has no members: nothing is failing).
 */
export function combinedStatus(statuses: readonly HealthStatus[]): HealthStatus {
  if (statuses.length > 0 && statuses.every((status) => status === 'down')) return 'down';
  return statuses.some((status) => status !== 'healthy') ? 'degraded' : 'healthy';
}
