import { DiscoveryService } from '@nestjs/core';

/**
 * Who owns a circuit whose account is not a channel account: a Google Calendar connection, a
 * Bitrix24 portal. The module that keys its breakers that way knows its own rows, so it
 * contributes the answer, and the alerts about that circuit reach the owning tenant's channels
 * (the alert code imports no platform module):
 *
 * ```ts
 * @Injectable()
 * @CircuitOwner()
 * export class PortalCircuitOwner implements CircuitOwnerResolver {
 *   readonly hub = 'bitrix';
 *   readonly provider = 'bitrix24';
 *   ownerOf(portalId: string) { ... }
 * }
 * ```
 *
 * Registered with its own class in its module's providers (a `useValue` is not discovered).
 */
export interface CircuitOwnerResolver {
  /** The breakers it answers for: those keyed by this hub and provider. */
  readonly hub: string;
  readonly provider: string;
  /** The tenant whose resource the breaker's account is; null when there is none (deleted). */
  ownerOf(account: string): Promise<string | null>;
}

export const CircuitOwner = DiscoveryService.createDecorator<void>();
