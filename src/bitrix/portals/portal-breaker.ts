import type { BreakerKey } from '@core/resilience/breaker-key';

export const BITRIX_PROVIDER = 'bitrix24';

/** One circuit per portal: one tenant's failing portal must not cut off another's. */
export function portalBreaker(portalId: string): BreakerKey {
  return { hub: 'bitrix', provider: BITRIX_PROVIDER, account: portalId };
}
