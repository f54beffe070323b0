import { AppConfig } from '@config/app-config';
import { Injectable } from '@nestjs/common';
import { ALERT_SEVERITIES, AlertSeverity } from '@core/alerts/alert-raiser';
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
 * Who hears an alert: platform-wide alerts go to the global channels; a tenant's alerts go to
 * that tenant's active channels whose minimum severity it meets (and to the global ones too
 * when ALERTS_GLOBAL_INCLUDES_TENANT_ALERTS). Another tenant never hears them.
 */
@Injectable()
export class AlertTargets {
  constructor(
    private readonly config: AppConfig,
    private readonly channels: AlertChannelsRepository,
  ) {}

  async of(alert: { tenantId: string | null; severity: AlertSeverity }): Promise<ChannelTarget[]> {
    const global = this.config.alerts.global;
    const targets: ChannelTarget[] = [];
    if (!alert.tenantId || global.includesTenantAlerts) {
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
