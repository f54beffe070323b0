/**
 * Every alert type Omnihub raises, so `alerts_total{type}` stays a short list. Other modules
 * raise `token.refresh_failed` (Google, Bitrix24, TikTok) through AlertRaiser.
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
} as const;
