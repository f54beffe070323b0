import { Injectable } from '@nestjs/common';
import { AlertRaiser } from '@core/alerts/alert-raiser';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { PrivacyAlertType, RETENTION_SUBJECT } from '../alerts/privacy-alert-types';
import { RetentionHeartbeat } from './retention-heartbeat';
import { RetentionTask } from './retention.task';

/** Missed hourly runs before retention counts as stalled: one miss is a deploy, three are not. */
const MISSED_RUNS = 3;

/**
 * Every 15 minutes, once across the cluster: `retention.stalled` (platform-wide, warning) when
 * the retention task has not completed a run for MISSED_RUNS intervals, whether it throws every
 * time (retention.failed says why), hangs, or is never scheduled; resolved once a run completes.
 */
@Injectable()
@MaintenanceTask()
export class RetentionStallCheck implements PeriodicTask {
  readonly name = 'privacy.retention-stall-check';
  readonly everyMs = 15 * 60_000;

  constructor(
    private readonly retention: RetentionTask,
    private readonly heartbeat: RetentionHeartbeat,
    private readonly alerts: AlertRaiser,
  ) {}

  async run(now = new Date()): Promise<'stalled' | 'running'> {
    const last = await this.heartbeat.lastSuccess(now);
    const condition = { type: PrivacyAlertType.RetentionStalled, subject: RETENTION_SUBJECT };
    const overdueMs = now.getTime() - last.getTime();
    if (overdueMs > MISSED_RUNS * this.retention.everyMs) {
      await this.alerts.raise({
        ...condition,
        severity: 'warning',
        title: `Retention has not completed a run for ${Math.floor(overdueMs / 3_600_000)} h`,
        detail:
          `Last completed run: ${last.toISOString()}. Messages and audit rows past their ` +
          'retention are kept until it runs again; check the maintenance queue and the worker logs.',
        labels: { task: this.retention.name },
      });
      return 'stalled';
    }
    await this.alerts.resolve(condition, `Last completed run: ${last.toISOString()}.`);
    return 'running';
  }
}
