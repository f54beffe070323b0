import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { AlertCondition, AlertRaiser, RaiseOutcome, RaisedAlert } from '@core/alerts/alert-raiser';
import { newId } from '@core/database/ids';
import { AlertDeliveriesEnqueuer, AlertNotice } from './alert-deliveries.enqueuer';
import { AlertGate, fingerprintOf } from './alert-gate';
import { AlertTargets } from './alert-targets';
import { ALERTS_TOTAL, ALERT_DELIVERIES_TOTAL } from './alerts.metrics';
import { AlertRow, AlertsRepository } from './history/alerts.repository';

/** How long a deduplicated raise waits, in steps, for the winning pod's firing row. */
const OCCURRENCE_WAITS_MS = [50, 200, 750, 2_000];

/**
 * The AlertRaiser: records every alert in the history, logs it (the log channel hears every
 * alert, whatever the gates say), and queues one delivery per channel. Order of the gates:
 * the dedup window first (a raise inside it is only counted), then the firing row (one per
 * condition, whichever pod gets there), then the per-type budget (held back alerts stay in
 * the history with `notified` false). Never throws: the caller's own work matters more.
 */

@Injectable()
export class AlertsService extends AlertRaiser {
  private readonly logger = new Logger('Alerts');

  constructor(
    private readonly repository: AlertsRepository,
    private readonly gate: AlertGate,
    private readonly targets: AlertTargets,
    private readonly enqueuer: AlertDeliveriesEnqueuer,
    @InjectMetric(ALERTS_TOTAL) private readonly raised: Counter<string>,
    @InjectMetric(ALERT_DELIVERIES_TOTAL) private readonly deliveries: Counter<string>,
  ) {
    super();
  }

  async raise(alert: RaisedAlert): Promise<RaiseOutcome> {
    try {
      return await this.record(alert);
    } catch (error) {
      this.logger.error(
        { err: error, type: alert.type, subject: alert.subject, tenantId: alert.tenantId },
        `Alert could not be recorded: ${alert.title}`,
      );
      return 'not_recorded';
    }
  }

  async resolve(condition: AlertCondition, detail?: string): Promise<boolean> {
    try {
      const fingerprint = fingerprintOf(condition);
      const row = await this.repository.resolve(fingerprint, detail);
      if (!row) return false;
      await this.gate.release(fingerprint).catch((error: unknown) => {
        this.logger.warn({ err: error }, 'Dedup key not released; it expires with its window');
      });
      this.log(row, 'resolved');
      if (row.notified) await this.announce(row, 'resolved');
      return true;
    } catch (error) {
      this.logger.error(
        { err: error, type: condition.type, subject: condition.subject },
        'Alert resolution could not be recorded',
      );
      return false;
    }
  }

  private async record(alert: RaisedAlert): Promise<RaiseOutcome> {
    const fingerprint = fingerprintOf(alert);
    if (!(await this.claim(fingerprint))) {
      await this.countOccurrence(fingerprint);
      return 'deduplicated';
    }
    const { alert: row, created } = await this.repository.upsertFiring({
      id: newId(),
      tenantId: alert.tenantId ?? null,
      type: alert.type,
      subject: alert.subject,
      fingerprint,
      severity: alert.severity,
      title: alert.title,
      detail: alert.detail ?? null,
      labels: { ...(alert.labels ?? {}) },
    });
    this.raised.inc({ type: row.type, severity: row.severity });
    const notice: AlertNotice = created ? 'firing' : 'repeat';
    this.log(row, notice);
    if (!(await this.gate.withinRate(row.type))) {
      this.deliveries.inc({ channel: 'all', outcome: 'rate_limited' });
      this.logger.warn(
        { alertId: row.id, type: row.type },
        `Alert type ${row.type} is over ALERTS_RATE_LIMIT_PER_TYPE_PER_HOUR: recorded, not sent`,
      );
      return 'rate_limited';
    }
    await this.announce(row, notice);
    await this.repository.markNotified(row.id);
    return created ? 'raised' : 'repeated';
  }

  /**
   * Two pods raising at once: the one that lost the claim may get here before the winner's
   * firing row is committed. Counting waits briefly for it rather than creating a row itself,
   * which a resolve racing this raise could leave firing forever, unannounced.
   */
  private async countOccurrence(fingerprint: string): Promise<void> {
    for (const waitMs of OCCURRENCE_WAITS_MS) {
      if (await this.repository.countOccurrence(fingerprint)) return;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
    if (!(await this.repository.countOccurrence(fingerprint))) {
      this.logger.debug({ fingerprint }, 'Deduplicated raise found no firing alert to count on');
    }
  }

  /**
   * The dedup window's claim. Without Redis the window cannot be checked: the firing row's
   * unique index still keeps one episode per condition, so go on rather than lose the alert.
   */
  private async claim(fingerprint: string): Promise<boolean> {
    try {
      return await this.gate.claim(fingerprint);
    } catch (error) {
      this.logger.warn({ err: error }, 'Alert dedup window unavailable (Redis); going on');
      return true;
    }
  }

  private async announce(row: AlertRow, notice: AlertNotice): Promise<void> {
    const targets = await this.targets.of(row);
    await this.enqueuer.enqueue(
      targets.map((target) => ({ alertId: row.id, notice, occurrence: row.occurrences, target })),
    );
  }

  /** The log channel: every alert, synchronously, with ids and labels only. */
  private log(row: AlertRow, notice: AlertNotice): void {
    const fields = {
      alertId: row.id,
      type: row.type,
      subject: row.subject,
      severity: row.severity,
      tenantId: row.tenantId,
      labels: row.labels,
      notice,
    };
    const message = `${notice === 'resolved' ? 'Alert resolved' : 'ALERT'}: ${row.title}`;
    if (notice !== 'resolved' && row.severity === 'critical') this.logger.error(fields, message);
    else if (notice !== 'resolved' && row.severity === 'warning') this.logger.warn(fields, message);
    else this.logger.log(fields, message);
    this.deliveries.inc({ channel: 'log', outcome: 'delivered' });
  }
}
