import { AppConfig } from '@config/app-config';
import { Injectable } from '@nestjs/common';
import { AlertRaiser } from '@core/alerts/alert-raiser';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { PrivacyAlertType, requestSubject } from '../alerts/privacy-alert-types';
import type { PrivacyRequestRow } from './privacy-request';
import { PrivacyRequestsRepository } from './privacy-requests.repository';

const DAY_MS = 86_400_000;
/** Requests judged per run; the soonest due come first, so the worst are never left out. */
const MAX_PER_RUN = 200;

/**
 * Every 15 minutes, once across the cluster: each unfinished data subject request within
 * PRIVACY_REQUEST_WARN_DAYS of its due date (LGPD: 15 days from filing) raises
 * `privacy.request_due` as its tenant's alert (warning; critical once overdue), repeated
 * after each dedup window while it stays unfinished. Completing a request resolves it at once
 * (PrivacyRequestRunner); this task also resolves the ones completed since its last runs, in
 * case that resolve was lost.
 */
@Injectable()
@MaintenanceTask()
export class PrivacyDeadlinesTask implements PeriodicTask {
  readonly name = 'privacy.deadlines';
  readonly everyMs = 15 * 60_000;

  constructor(
    private readonly config: AppConfig,
    private readonly requests: PrivacyRequestsRepository,
    private readonly alerts: AlertRaiser,
  ) {}

  async run(now = new Date()): Promise<{ atRisk: number; resolved: number }> {
    const warnBefore = new Date(now.getTime() + this.config.privacy.requestWarnDays * DAY_MS);
    const atRisk = await this.requests.unfinishedDueBefore(warnBefore, MAX_PER_RUN);
    for (const request of atRisk) await this.raise(request, now);
    const completed = await this.requests.completedSince(
      new Date(now.getTime() - 2 * this.everyMs),
      MAX_PER_RUN,
    );
    let resolved = 0;
    for (const request of completed) {
      if (await resolveRequestDue(this.alerts, request)) resolved += 1;
    }
    return { atRisk: atRisk.length, resolved };
  }

  private async raise(request: PrivacyRequestRow, now: Date): Promise<void> {
    const leftMs = request.dueAt.getTime() - now.getTime();
    const overdue = leftMs <= 0;
    const days = Math.ceil(Math.abs(leftMs) / DAY_MS);
    await this.alerts.raise({
      type: PrivacyAlertType.RequestDue,
      subject: requestSubject(request.id),
      tenantId: request.tenantId,
      severity: overdue ? 'critical' : 'warning',
      title: overdue
        ? `Data subject ${request.type} request ${request.id} is overdue by ${days} day(s)`
        : `Data subject ${request.type} request ${request.id} is due in ${days} day(s), not complete`,
      detail:
        `Due ${request.dueAt.toISOString()}; status ${request.status}` +
        `${request.errorCode ? `, last error ${request.errorCode}` : ''}. ` +
        'See GET /api/v2/privacy/requests/{id}.',
      labels: { requestType: request.type, status: request.status },
    });
  }
}

/** Ends a request's deadline alert (a no-op when none is firing). */
export function resolveRequestDue(
  alerts: AlertRaiser,
  request: Pick<PrivacyRequestRow, 'id' | 'tenantId'>,
): Promise<boolean> {
  return alerts.resolve(
    {
      type: PrivacyAlertType.RequestDue,
      subject: requestSubject(request.id),
      tenantId: request.tenantId,
    },
    'The request is complete.',
  );
}
