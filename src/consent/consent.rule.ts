import { Injectable } from '@nestjs/common';
import {
  OutboundContext,
  OutboundRule,
  OutboundRuleCheck,
} from '@app/messaging/outbound/outbound-rule';
import { ConsentGate } from './consent-gate';

/**
 * Every send passes the contact's consent for its purpose on its channel: refused with 422
 * before it is queued, and checked again by the worker right before the platform is called
 * (`recheckBeforeSend`), so a withdrawal between accept and send wins and the queued message
 * ends failed with the same code. A typing indicator or read marker carries no content and
 * is not a message the contact consents to.
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

  check(context: OutboundContext): Promise<void> {
    return this.gate.assertAllowed(
      context.tenantId,
      context.contactId,
      context.purpose,
      context.account.hub,
    );
  }
}
