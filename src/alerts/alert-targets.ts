import { AppConfig } from '@config/app-config';
import { Injectable } from '@nestjs/common';
import { ALERT_SEVERITIES, AlertSeverity } from '@core/alerts/alert-raiser';
import { AlertType } from './alert-types';
import { AlertChannelsRepository } from './channels/alert-channels.repository';

import type { ChannelKind } from './channel-kind';

export type { ChannelKind };

/** Where one delivery goes: a channel from env, or a tenant's stored channel (by id). */
export type ChannelTarget =
  { scope: 'global'; kind: ChannelKind } | { scope: 'tenant'; kind: ChannelKind; id: string };

export function atLeast(severity: AlertSeverity, minimum: AlertSeverity): boolean {
  return ALERT_SEVERITIES.indexOf(severity) >= ALERT_SEVERITIES.indexOf(minimum);
}

/**
 * A tenant's alerts of these types reach the global channels whatever
 * ALERTS_GLOBAL_INCLUDES_TENANT_ALERTS says, because the operators on call are the ones who
 * can act: a circuit opening on one tenant's account is usually the platform's or Omnihub's
 * trouble, and a data subject request running late is a module not answering (a legal
 * deadline the tenant cannot meet alone).
 */
const OPERATORS_ALWAYS_HEAR = new Set<string>([
  AlertType.CircuitOpen,
  AlertType.CircuitHalfOpen,
  'privacy.request_due',
]);

/**
 * Who hears an alert: platform-wide alerts go to the global channels; a tenant's alerts go to
 * that tenant's active channels whose minimum severity it meets (and to the global ones too
 * when ALERTS_GLOBAL_INCLUDES_TENANT_ALERTS, or for the types operators always hear).
 * Another tenant never hears them.
 */
@Injectable()
export class AlertTargets {
  constructor(
    private readonly config: AppConfig,
    private readonly channels: AlertChannelsRepository,
  ) {}

  async of(alert: {
    type: string;
    tenantId: string | null;
    severity: AlertSeverity;
  }): Promise<ChannelTarget[]> {
    const global = this.config.alerts.global;
    const targets: ChannelTarget[] = [];
    if (!alert.tenantId || global.includesTenantAlerts || OPERATORS_ALWAYS_HEAR.has(alert.type)) {
      if (global.slackUrl) targets.push({ scope: 'global', kind: 'slack' });
      if (global.discordUrl) targets.push({ scope: 'global', kind: 'discord' });
      if (global.webhook) targets.push({ scope: 'global', kind: 'webhook' });
    }
    if (alert.tenantId) {
      for (const channel of await this.channels.activeOf(alert.tenantId)) {
        if (atLeast(alert.severity, channel.minSeverity)) {
          targets.push({ scope: 'tenant', kind: channel.kind, id: channel.id });
        }
      }
    }
    return targets;
  }
}
