import type { AlertCondition } from '@core/alerts/alert-raiser';

/**
 * The tenant's alert for a subscription disabled after failing deliveries; re-enabling or
 * deleting the subscription ends it.
 */
export function webhookDisabledAlert(tenantId: string, webhookId: string): AlertCondition {
  return { type: 'webhook.disabled', subject: `tenant-webhooks/${webhookId}`, tenantId };
}
