import type { FieldError } from '@core/errors/domain-error';
import type { MessageType, OutboundContent } from './outbound-message';

/**
 * A kind of contact identity ('phone', 'wa_id', 'lid', 'igsid'...): an open set, each kind
 * declared by the providers whose addresses use it (MessagingRules.identityKinds).
 */
export type IdentityKind = string;

/**
 * An E.164 phone number means the same person on every platform, so it is the one kind the
 * core knows itself: a sender's number joins their contact whichever platform told it.
 */
export const PHONE_IDENTITY: IdentityKind = 'phone';

/** One way a contact is recognised: a kind and its value on that kind. */
export interface ContactIdentity {
  readonly type: IdentityKind;
  readonly value: string;
}

/**
 * The classes FALLBACK_MESSAGE_CLASSES speaks of: `template` for a pre-approved
 * business-initiated message (never moved silently to another provider by default), `service`
 * for a message inside a conversation the contact opened.
 */
export type FallbackClass = 'service' | 'template';

/**
 * The platform's rules for sends, asked by the messaging core, which knows no platform: how a
 * recipient names a contact, what content the platform refuses, and which sends may fall back.
 * Pure and stateless; a provider exposes one (often shared by every provider of its hub).
 */
export interface MessagingRules {
  /** Every identity kind this platform's addresses are stored under (inbound and outbound). */
  readonly identityKinds: readonly IdentityKind[];
  /**
   * The identities a recipient string stands for, most specific first, or undefined when it is
   * no address on this platform (the send is refused naming `to`).
   */
  recipientIdentities(to: string): readonly ContactIdentity[] | undefined;
  /**
   * What the platform would refuse in this content, each naming the field of the send request
   * (`text.body`, `media.caption`, `contacts[0].name.formatted_name`); empty when it is fine.
   */
  contentViolations(content: OutboundContent): readonly FieldError[];
  /** Which fallback class a message of this type belongs to. */
  fallbackClassOf(type: MessageType): FallbackClass;
}

export function isMessagingRules(value: unknown): value is MessagingRules {
  const rules = value as Partial<MessagingRules> | undefined;
  return (
    Array.isArray(rules?.identityKinds) &&
    typeof rules.recipientIdentities === 'function' &&
    typeof rules.contentViolations === 'function' &&
    typeof rules.fallbackClassOf === 'function'
  );
}
