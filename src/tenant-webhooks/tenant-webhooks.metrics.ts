import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const WEBHOOK_DELIVERIES_TOTAL = 'tenant_webhook_deliveries_total';
export const WEBHOOKS_DISABLED_TOTAL = 'tenant_webhooks_disabled_total';

/**
 * Delivery attempts by outcome, and subscriptions disabled for failing (each also raises the
 * tenant's `webhook.disabled` alert).
 * Call durations are in hub_request_duration_seconds{hub="tenant-webhooks"}.
 */
export const tenantWebhookMetrics = [
  makeCounterProvider({
    name: WEBHOOK_DELIVERIES_TOTAL,
    help: "Delivery attempts to tenants' webhook URLs, by outcome (succeeded, retrying, failed)",
    labelNames: ['outcome'],
  }),
  makeCounterProvider({
    name: WEBHOOKS_DISABLED_TOTAL,
    help: 'Tenant webhook subscriptions disabled after WEBHOOKS_DISABLE_AFTER_FAILURES failed deliveries in a row',
  }),
];
