import { DiscoveryService } from '@nestjs/core';

/** What a handler receives: the stored inbox row, never the entity itself. */
export interface InboundEventRecord {
  readonly id: string;
  readonly source: string;
  readonly externalId: string;
  readonly tenantId: string | null;
  readonly accountRef: string | null;
  readonly payload: unknown;
  readonly receivedAt: Date;
  /** Handling attempts before this one. */
  readonly attempts: number;
}

/**
 * Turns one stored webhook into domain work. Called at least once per event (redeliveries,
 * worker crashes), so it must be idempotent. Throwing makes BullMQ retry with backoff.
 */
export interface InboundEventHandler {
  /** The `source` the webhook was accepted under, e.g. 'meta'. One handler per source. */
  readonly source: string;
  handle(event: InboundEventRecord): Promise<void>;
}

/**
 * Marks a provider as an InboundEventHandler. Platform modules declare their handler as a
 * provider with this decorator; InboundHandlerRegistry discovers it at boot, so neither side
 * imports the other:
 *
 *   @Injectable() @InboundHandler()
 *   export class MetaInboundHandler implements InboundEventHandler { readonly source = 'meta'; ... }
 */
export const InboundHandler = DiscoveryService.createDecorator<void>();
