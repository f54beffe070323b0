import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { InboundEventHandler, InboundHandler } from './inbound-event-handler';

/**
 * Every @InboundHandler() provider in the app, by source. Built once at boot; a malformed or
 * duplicated handler stops the boot instead of silently dropping events later.
 */
@Injectable()
export class InboundHandlerRegistry implements OnModuleInit {
  private readonly handlers = new Map<string, InboundEventHandler>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: InboundHandler.KEY })) {
      const handler = wrapper.instance as Partial<InboundEventHandler> | undefined;
      const name = wrapper.name as string;
      if (typeof handler?.source !== 'string' || typeof handler.handle !== 'function') {
        throw new Error(`${name} is marked @InboundHandler() but lacks source or handle()`);
      }
      const taken = this.handlers.get(handler.source);
      if (taken && taken !== handler) {
        throw new Error(`Two inbound handlers for source '${handler.source}': ${name} and another`);
      }
      this.handlers.set(handler.source, handler as InboundEventHandler);
    }
  }

  handlerFor(source: string): InboundEventHandler | undefined {
    return this.handlers.get(source);
  }

  get sources(): readonly string[] {
    return [...this.handlers.keys()];
  }
}
