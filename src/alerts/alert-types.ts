/**
 * Every alert type Omnihub raises, so `alerts_total{type}` stays a short list. Other modules
 * raise through AlertRaiser: `token.refresh_failed` (Google Calendar, Bitrix24) and
 * `webhook.disabled` (tenant webhooks).
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
