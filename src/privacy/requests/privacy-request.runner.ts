import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { AlertRaiser } from '@core/alerts/alert-raiser';
import { PrivacyContributorRegistry } from '@core/privacy/privacy-contributor.registry';
import { AuditTrail } from '@app/audit/audit-trail';
import { PrivacyExportsRepository } from '../exports/privacy-exports.repository';
import { resolveRequestDue } from './privacy-deadlines.task';
import type { PrivacyRequestRow } from './privacy-request';
import { PrivacyRequestsRepository } from './privacy-requests.repository';

const SYSTEM = { kind: 'system' as const, id: 'privacy.requests' };

/**
 * Carries out one data subject request, asking every registered contributor. Idempotent, as
 * the job runs at least once: a completed request is left alone, and an erasure skips the
 * modules whose receipt is already stored, so a retry after a crash resumes where it stopped.
 * The request completes only when every contributor has answered.
 */
@Injectable()
export class PrivacyRequestRunner {
  private readonly logger = new Logger(PrivacyRequestRunner.name);

  constructor(
    private readonly config: AppConfig,
    private readonly requests: PrivacyRequestsRepository,
    private readonly exports: PrivacyExportsRepository,
    private readonly contributors: PrivacyContributorRegistry,
    private readonly audit: AuditTrail,
    private readonly alerts: AlertRaiser,
  ) {}

  /** Returns what happened, for the processor's log. */
  async run(requestId: string): Promise<'completed' | 'already-completed' | 'unknown'> {
    const request = await this.requests.byId(requestId);
    if (!request) return 'unknown';
    if (request.status === 'completed') return 'already-completed';
    await this.requests.markProcessing(request.id);
    if (request.type === 'export') await this.export(request);
    else await this.erase(request);
    if (await this.requests.complete(request.id)) {
      await this.audit.record({
        action: `privacy.${request.type}_completed`,
        tenantId: request.tenantId,
        resource: { type: 'privacy_request', id: request.id },
        actor: SYSTEM,
      });
      await resolveRequestDue(this.alerts, request);
    }
    return 'completed';
  }

  private async export(request: PrivacyRequestRow): Promise<void> {
    const sections: Record<string, unknown> = {};
    for (const contributor of this.contributors.all())
      sections[contributor.name] = await contributor.export(request.tenantId, request.contactId);
    const document = {
      request: { id: request.id, contactId: request.contactId, generatedAt: new Date() },
      sections,
    };
    const expiresAt = new Date(Date.now() + this.config.privacy.exportLinkTtlMs);
    await this.exports.save(request.id, document, expiresAt);
  }

  private async erase(request: PrivacyRequestRow): Promise<void> {
    const answered = new Set((await this.requests.receipts(request.id)).map((r) => r.contributor));
    for (const contributor of this.contributors.all()) {
      if (answered.has(contributor.name)) continue;
      const receipt = await contributor.erase(request.tenantId, request.contactId);
      await this.requests.addReceipt(request.id, contributor.name, receipt);
      this.logger.log(
        { requestId: request.id, contributor: contributor.name, deleted: receipt.deleted },
        'Erasure receipt stored',
      );
    }
  }
}
