import { isPlatformFault } from '@core/errors/platform-error';
import { CircuitOpenError } from '@core/resilience/circuit-open.error';

/**
 * Google, not the request, is at fault: the connection's breaker is open, or Google kept
 * answering 5xx / rate limits / timeouts through every retry. Such a write is worth queueing;
 * anything else (validation, a lost update, needs_reauth) is the caller's to see now.
 */
export function googleFailing(error: unknown): boolean {
  return error instanceof CircuitOpenError || isPlatformFault(error);
}
