/**
 * How any module raises an operator alert, without knowing where alerts go. AlertsModule
 * (src/alerts) provides the implementation globally; a module injects `AlertRaiser`:
 *
 *   constructor(private readonly alerts: AlertRaiser) {}
 *   await this.alerts.raise({ type: 'token.refresh_failed', subject: `calendar/${connectionId}`,
 *     tenantId, severity: 'warning', title: 'Google token refresh failed', detail: error.code });
 *   await this.alerts.resolve({ type: 'token.refresh_failed', subject: ..., tenantId });
 *
 * Neither call throws nor waits for a channel: delivery is queued, and a failure to record
 * the alert is logged, so the work that noticed the problem goes on.
 */
export type AlertSeverity = 'critical' | 'warning' | 'info';

export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'critical'];

/** One condition: alerts with the same type and subject (and tenant) are the same problem. */
export interface AlertCondition {
  /** A fixed dotted name from a short list (`circuit.open`, `token.refresh_failed`): a metric label. */
  type: string;
  /** What is affected, e.g. `whatsapp/meta-cloud/<account id>` or a queue name. Never personal data. */
  subject: string;
  /** The tenant whose resource it is: its own channels hear it. Absent for platform-wide alerts. */
  tenantId?: string | null;
}

export interface RaisedAlert extends AlertCondition {
  severity: AlertSeverity;
  /** One line for a chat message. No tokens, phone numbers or message text. */
  title: string;
  detail?: string;
  /** Small bounded facts shown with the alert (hub, provider, status...). */
  labels?: Readonly<Record<string, string>>;
}

export type RaiseOutcome = 'raised' | 'repeated' | 'deduplicated' | 'rate_limited' | 'not_recorded';

export abstract class AlertRaiser {
  abstract raise(alert: RaisedAlert): Promise<RaiseOutcome>;
  /** Ends the condition; true when it was firing (then a resolve message is sent, once). */
  abstract resolve(condition: AlertCondition, detail?: string): Promise<boolean>;
}
