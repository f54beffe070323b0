import type Redis from 'ioredis';
import { DomainError, UnavailableError } from '@core/errors/domain-error';

/**
 * How soon a client should try again when the live events' store (Redis) cannot be reached:
 * long enough not to hammer a recovering Redis, short enough that a frontend barely notices.
 */
export const LIVE_EVENTS_RETRY_AFTER_SECONDS = 5;

const unavailable = () =>
  new UnavailableError(
    'LIVE_EVENTS.UNAVAILABLE',
    'Live events are unavailable for a moment (their store cannot be reached); reconnect',
    LIVE_EVENTS_RETRY_AFTER_SECONDS,
  );

/**
 * Runs a call on the live events' Redis state (stream positions, connection leases, tickets).
 * Any failure that is not already a domain answer is Redis being unreachable: the client gets
 * 503 LIVE_EVENTS.UNAVAILABLE with Retry-After instead of a 500, and reconnects. A connection
 * known to be down answers at once rather than after ioredis' reconnect attempt, so a burst
 * of reconnecting clients does not pile up waiting. The outage itself is logged once by the
 * Redis connection (core/redis), not once per client.
 */
export async function whileStoreReachable<T>(redis: Redis, call: () => Promise<T>): Promise<T> {
  if (redis.status === 'reconnecting' || redis.status === 'end' || redis.status === 'close') {
    throw unavailable();
  }
  try {
    return await call();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw unavailable();
  }
}
