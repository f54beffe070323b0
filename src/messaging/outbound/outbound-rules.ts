import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { OutboundContext, OutboundRule, OutboundRuleCheck, RuleFactsRefs } from './outbound-rule';

/** Which rules a read of a send serves: every rule on accept, the rechecked ones in the worker. */
export type RuleStage = 'accept' | 'recheck';

/** Every @OutboundRule() in the app, applied in turn to each send before it is queued. */
@Injectable()
export class OutboundRules implements OnModuleInit {
  private rules: OutboundRuleCheck[] = [];
  private readonly factsSqlCache = new Map<string, string | null>();

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

  /**
   * One SQL expression (a json object keyed by rule name) reading the facts of the rules
   * `stage` applies that declare `factsSql`, for the statement that reads the send to select
   * (its value is `OutboundContext.facts`); null when no such rule exists. The same text for
   * the same refs, so the statement stays one prepared statement.
   */
  factsSql(refs: RuleFactsRefs, stage: RuleStage): string | null {
    const key = `${stage}\n${refs.tenantId}\n${refs.contactId}\n${refs.hub}`;
    let sql = this.factsSqlCache.get(key);
    if (sql === undefined) {
      const parts = this.rules.flatMap((rule) =>
        rule.factsSql && (stage === 'accept' || rule.recheckBeforeSend)
          ? [`'${sqlKey(rule.name)}', ${rule.factsSql(refs)}`]
          : [],
      );
      sql = parts.length ? `json_build_object(${parts.join(', ')})` : null;
      this.factsSqlCache.set(key, sql);
    }
    return sql;
  }
}

/** A rule's name as a json key in SQL: names are short words, anything else is a bug. */
function sqlKey(name: string): string {
  if (!/^[a-z][a-z0-9_-]*$/.test(name)) throw new Error(`Rule name "${name}" is not a plain word`);
  return name;
}
