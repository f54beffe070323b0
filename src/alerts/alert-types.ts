/**
 * Every alert type Omnihub raises, so `alerts_total{type}` stays a short list. Other modules
 * raise through AlertRaiser: `token.refresh_failed` (Google Calendar, Bitrix24),
 * `webhook.disabled` (tenant webhooks), and privacy's `privacy.request_due`,
 * `retention.failed` and `retention.stalled` (src/privacy/alerts/privacy-alert-types.ts).
 */
export const AlertType = {
  CircuitOpen: 'circuit.open',
  CircuitHalfOpen: 'circuit.half_open',
  AccountNeedsReauth: 'account.needs_reauth',
  AccountDisconnected: 'account.disconnected',
  TokenRefreshFailed: 'token.refresh_failed',
  QueueBacklog: 'queue.backlog',
  QueueDeadLetters: 'queue.dead_letters',
  HubErrorRate: 'hub.error_rate',
  HubLatency: 'hub.latency',
  HubSuccessRate: 'hub.success_rate',
  WebhookDisabled: 'webhook.disabled',
} as const;
