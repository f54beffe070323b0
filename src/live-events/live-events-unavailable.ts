import { DomainError, UnavailableError } from '@core/errors/domain-error';

/**
 * How soon a client should try again when the live events' store (Redis) cannot be reached:
 * long enough not to hammer a recovering Redis, short enough that a frontend barely notices.
 */
export const LIVE_EVENTS_RETRY_AFTER_SECONDS = 5;

/**
 * Runs a call on the live events' Redis state (stream positions, connection leases, tickets).
 * Any failure that is not already a domain answer is Redis being unreachable: the client gets
 * 503 LIVE_EVENTS.UNAVAILABLE with Retry-After instead of a 500, and reconnects. The outage
 * itself is logged once by the Redis connection (core/redis), not once per client.
 */
export async function whileStoreReachable<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new UnavailableError(
      'LIVE_EVENTS.UNAVAILABLE',
      'Live events are unavailable for a moment (their store cannot be reached); reconnect',
      LIVE_EVENTS_RETRY_AFTER_SECONDS,
    );
  }
}
