import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { AlertRaiser } from '@core/alerts/alert-raiser';
import { inBatches } from '@core/database/in-batches';
import { DomainError } from '@core/errors/domain-error';
import { MaintenanceTask, PeriodicTask } from '@core/queue/maintenance-task';
import { AuditRetention } from '@app/audit/audit-retention';
import { PLATFORM_CHAIN } from '@app/audit/audit-entry';
import { MessageRetention } from '@app/messaging/privacy/message-retention';
import { TenantsService } from '@app/tenants/tenants.service';
import { PrivacyAlertType, RETENTION_SUBJECT } from '../alerts/privacy-alert-types';
import { PrivacyExportsRepository } from '../exports/privacy-exports.repository';
import { MessagePurge, MessagePurgeReport } from './message-purge';
import { RetentionHeartbeat } from './retention-heartbeat';
import { RetentionPolicies } from './retention-policies';

const DAY_MS = 86_400_000;
const TENANT_PAGE = 100;

export interface RetentionReport extends MessagePurgeReport {
  tenants: number;
  auditRowsRemoved: number;
  exportsDeleted: number;
  durationMs: number;
}

/**
 * Hourly: per tenant, deletes messages older than its message retention and removes the audit
 * log's prefix older than its audit retention (behind a signed checkpoint); the platform's
 * audit chain uses the default. Also deletes export documents whose link has expired.
 *
 * Messages go in small batches (RETENTION_MESSAGE_BATCH_SIZE per DELETE, each its own
 * statement), so sends and the history API are never held up for long; every tenant gets a fair
 * share first, then large backlogs are worked off until RETENTION_RUN_BUDGET_SECONDS have
 * passed, and the next run goes on. `npm run bench -- retention` measures a 1M-message purge.
 *
 * A run that throws raises `retention.failed` (platform-wide, critical) before the job's retry;
 * the next run that completes resolves it and beats the heartbeat RetentionStallCheck reads.
 */
@Injectable()
@MaintenanceTask()
export class RetentionTask implements PeriodicTask {
  readonly name = 'privacy.retention';
  readonly everyMs = 3_600_000;
  private readonly logger = new Logger(RetentionTask.name);

  constructor(
    private readonly config: AppConfig,
    private readonly tenants: TenantsService,
    private readonly policies: RetentionPolicies,
    private readonly messages: MessageRetention,
    private readonly audit: AuditRetention,
    private readonly exports: PrivacyExportsRepository,
    private readonly alerts: AlertRaiser,
    private readonly heartbeat: RetentionHeartbeat,
  ) {}

  async run(now = new Date()): Promise<RetentionReport> {
    let report: RetentionReport;
    try {
      report = await this.deleteExpired(now);
    } catch (error) {
      const code = error instanceof DomainError ? error.code : (error as Error)?.name;
      await this.alerts.raise({
        type: PrivacyAlertType.RetentionFailed,
        subject: RETENTION_SUBJECT,
        severity: 'critical',
        title: 'Retention run failed: expired data was not deleted',
        detail: `The hourly retention task stopped with ${code ?? 'an unknown error'}; it is retried.`,
        labels: { task: this.name },
      });
      throw error;
    }
    await this.heartbeat.succeeded(new Date());
    await this.alerts.resolve(
      { type: PrivacyAlertType.RetentionFailed, subject: RETENTION_SUBJECT },
      'A retention run completed.',
    );
    return report;
  }

  private async deleteExpired(now: Date): Promise<RetentionReport> {
    const started = Date.now();
    const report = { tenants: 0, auditRowsRemoved: 0, exportsDeleted: 0 };
    const { messageBatchSize, runBudgetMs } = this.config.retention;
    const messages = new MessagePurge(this.messages, {
      batchSize: messageBatchSize,
      deadline: started + runBudgetMs,
    });
    const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
    let cursor: string | undefined;
    do {
      const page = await this.tenants.list(TENANT_PAGE, cursor);
      const policies = await this.policies.many(page.items.map((tenant) => tenant.id));
      for (const [tenantId, policy] of policies) {
        await messages.share(tenantId, ago(policy.messageDays));
        report.auditRowsRemoved += (
          await this.audit.prune(tenantId, ago(policy.auditDays))
        ).removed;
        report.tenants += 1;
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const purged = await messages.drainBacklog();
    const platform = await this.audit.prune(PLATFORM_CHAIN, ago(this.config.retention.auditDays));
    report.auditRowsRemoved += platform.removed;
    report.exportsDeleted = await inBatches((limit) => this.exports.deleteExpired(limit));
    const result = { ...report, ...purged, durationMs: Date.now() - started };
    if (result.messagesDeleted || result.auditRowsRemoved || result.exportsDeleted)
      this.logger.log(result, 'Retention removed expired data');
    return result;
  }
}
