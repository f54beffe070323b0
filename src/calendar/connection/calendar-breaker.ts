import type { BreakerKey } from '@core/resilience/breaker-key';

/** Google is asked per connection: one tenant's failing grant must not cut off another's. */
export const GOOGLE_PROVIDER = 'google';

export function calendarBreaker(connectionId: string): BreakerKey {
  return { hub: 'calendar', provider: GOOGLE_PROVIDER, account: connectionId };
}
