import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { OutboundContext, OutboundRule, OutboundRuleCheck } from './outbound-rule';

/** Every @OutboundRule() in the app, applied in turn to each send before it is queued. */
@Injectable()
export class OutboundRules implements OnModuleInit {
  private rules: OutboundRuleCheck[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.rules = this.discovery.getProviders({ metadataKey: OutboundRule.KEY }).map((wrapper) => {
      const rule = wrapper.instance as Partial<OutboundRuleCheck> | undefined;
      if (typeof rule?.check !== 'function' || typeof rule.appliesTo !== 'function') {
        throw new Error(
          `${String(wrapper.name)} is marked @OutboundRule() but lacks appliesTo() or check()`,
        );
      }
      return rule as OutboundRuleCheck;
    });
  }

  async enforce(context: OutboundContext): Promise<void> {
    for (const rule of this.rules) {
      if (rule.appliesTo(context)) await rule.check(context);
    }
  }

  /** The rules marked `recheckBeforeSend`, applied by the worker to a queued send. */
  async recheck(context: OutboundContext): Promise<void> {
    for (const rule of this.rules) {
      if (rule.recheckBeforeSend && rule.appliesTo(context)) await rule.check(context);
    }
  }
}
