import { Injectable } from '@nestjs/common';
import { AuditTrail } from '@app/audit/audit-trail';
import type { AuditActor } from '@app/audit/audit-entry';
import { AlertCondition, AlertRaiser } from '@core/alerts/alert-raiser';

export type PortalAction = 'created' | 'deleted' | 'authorized' | 'installed';

/**
 * What Bitrix24 portals tell the rest of Omnihub: lifecycle changes to the audit log
 * (`bitrix_portal.<action>`), and a portal whose refresh token Bitrix24 refused as the
 * tenant's `token.refresh_failed` alert, ended by the next grant (an authorization or a
 * reinstall) or by deleting the portal.
 */
@Injectable()
export class PortalAudit {
  constructor(
    private readonly audit: AuditTrail,
    private readonly alerts: AlertRaiser,
  ) {}

  async record(
    action: PortalAction,
    tenantId: string,
    portalId: string,
    actor?: AuditActor,
  ): Promise<void> {
    await this.audit.record({
      action: `bitrix_portal.${action}`,
      tenantId,
      resource: { type: 'bitrix_portal', id: portalId },
      ...(actor ? { actor } : {}),
    });
    if (action !== 'created') await this.alerts.resolve(reauthAlert(tenantId, portalId), action);
  }

  async refreshRefused(tenantId: string, portalId: string): Promise<void> {
    await this.alerts.raise({
      ...reauthAlert(tenantId, portalId),
      severity: 'warning',
      title: 'Bitrix24 refused the refresh token: authorize or reinstall the portal',
      detail: 'invalid_grant',
      labels: { hub: 'bitrix', provider: 'bitrix24' },
    });
  }
}

function reauthAlert(tenantId: string, portalId: string): AlertCondition {
  return { type: 'token.refresh_failed', subject: `bitrix/bitrix24/${portalId}`, tenantId };
}
