import { Injectable } from '@nestjs/common';
import {
  OutboundContext,
  OutboundRule,
  OutboundRuleCheck,
  RuleFactsRefs,
} from '@app/messaging/outbound/outbound-rule';
import { consentFactsOf, consentFactsSql, StoredConsentFacts } from './consent-facts.sql';
import { ConsentGate } from './consent-gate';

/**
 * Every send passes the contact's consent for its purpose on its channel: refused with 422
 * before it is queued, and checked again by the worker right before the platform is called
 * (`recheckBeforeSend`), so a withdrawal between accept and send wins and the queued message
 * ends failed with the same code. A typing indicator or read marker carries no content and
 * is not a message the contact consents to. The policy and the contact's decisions are read
 * by messaging's own read of the send (`factsSql`) when it can, by the gate otherwise.
 */
@Injectable()
@OutboundRule()
export class ConsentRule implements OutboundRuleCheck {
  readonly name = 'consent';
  readonly recheckBeforeSend = true;

  constructor(private readonly gate: ConsentGate) {}

  appliesTo(context: OutboundContext): boolean {
    return context.content.type !== 'sender_action';
  }

  factsSql(refs: RuleFactsRefs): string {
    return consentFactsSql(refs);
  }

  async check(context: OutboundContext): Promise<void> {
    const facts = context.facts?.[this.name] as StoredConsentFacts | undefined;
    if (facts) {
      return this.gate.assertAllowedBy(consentFactsOf(facts), context.purpose, context.account.hub);
    }
    return this.gate.assertAllowed(
      context.tenantId,
      context.contactId,
      context.purpose,
      context.account.hub,
    );
  }
}
