/**
 * What a provider reports about itself (or about one account's connection). `degraded` means
 * it works but not fully (slow, an instance reconnecting, a token close to expiry).
 */
export interface HubHealth {
  status: 'up' | 'degraded' | 'down';
  /** Safe to show to operators: no tokens, no personal data. */
  detail: string;
  checkedAt: Date;
  /** Round trip of the probe, when the check called the platform. */
  latencyMs?: number;
}
