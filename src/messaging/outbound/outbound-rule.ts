import { DiscoveryService } from '@nestjs/core';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import type { OutboundContent } from '@core/channel/outbound-message';

/** What a rule sees about a send before it is accepted. */
export interface OutboundContext {
  readonly tenantId: string;
  readonly account: Pick<ChannelAccountRef, 'id' | 'hub' | 'provider'>;
  readonly contactId: string;
  /** When the contact last wrote on this account (WhatsApp's 24-hour window), or null. */
  readonly lastInboundAt: Date | null;
  readonly content: OutboundContent;
  /** What the send is for (SendPurposes): `service`, `marketing`, `reminders`, a tenant's own. */
  readonly purpose: string;
  readonly now: Date;
  /**
   * What the rules declaring `factsSql` read about this recipient, keyed by rule name, when
   * messaging read it with the send (OutboundRules.factsSql); a rule whose facts are missing
   * reads them itself.
   */
  readonly facts?: RuleFacts;
}

/** Rule facts read with a send, keyed by rule name (OutboundRuleCheck.factsSql). */
export type RuleFacts = Readonly<Record<string, unknown>>;

/**
 * SQL expressions, in the statement that reads a send, naming whom a rule's facts are about:
 * the tenant and the contact (uuid) and the account's hub (text).
 */
export interface RuleFactsRefs {
  readonly tenantId: string;
  readonly contactId: string;
  readonly hub: string;
}

/** The SQL of the rules' facts for a read of a send, given its names (OutboundRules.factsSql). */
export type RuleFactsQuery = (refs: RuleFactsRefs) => string | null;

/**
 * A business or legal rule every send must pass before it is queued (consent, WhatsApp's
 * customer-service window...). A rule refuses by throwing a DomainError (usually kind
 * 'unprocessable' → 422 naming the rule). Rules live in the module that owns them and are
 * discovered at boot:
 *
 *   @Injectable() @OutboundRule()
 *   export class CustomerServiceWindowRule implements OutboundRuleCheck { ... }
 */
export interface OutboundRuleCheck {
  /** Short name, for logs and errors. */
  readonly name: string;
  /**
   * Run again by the worker right before the platform is called, so a change between accept
   * and send (a withdrawn consent) still stops it; a refusal then fails the message with the
   * rule's code. Only for rules whose answer may change while a send waits in the queue.
   */
  readonly recheckBeforeSend?: boolean;
  /**
   * The rule's own data about the recipient as one SQL expression over the rule's own tables
   * (json for structures), which messaging evaluates inside the statement that reads the send
   * anyway (the recipient on accept, the claim in the worker): the rule's read then costs no
   * round trip and no commit of its own. Its value reaches `check` as `context.facts[name]`.
   */
  factsSql?(refs: RuleFactsRefs): string;
  appliesTo(context: OutboundContext): boolean;
  check(context: OutboundContext): Promise<void> | void;
}

export const OutboundRule = DiscoveryService.createDecorator<void>();
