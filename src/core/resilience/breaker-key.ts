/**
 * One circuit per provider account: a failing WhatsApp number must not cut off the tenant's
 * other numbers, nor another tenant on the same provider.
 */
export interface BreakerKey {
  hub: string;
  provider: string;
  account: string;
}

/** A map key no hub, provider or account name can collide with (none of them is escaped). */
export function breakerId(key: BreakerKey): string {
  return JSON.stringify([key.hub, key.provider, key.account]);
}

export function describeBreaker(key: BreakerKey): string {
  return `${key.hub}/${key.provider}/${key.account}`;
}

export function isBreakerKey(value: unknown): value is BreakerKey {
  if (typeof value !== 'object' || value === null) return false;
  const { hub, provider, account } = value as Record<string, unknown>;
  return typeof hub === 'string' && typeof provider === 'string' && typeof account === 'string';
}
