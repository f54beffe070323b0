import {
  ContactIdentity,
  FallbackClass,
  MessagingRules,
  PHONE_IDENTITY,
} from '@core/channel/messaging-rules';
import type { MessageType, OutboundContent } from '@core/channel/outbound-message';
import type { FieldError } from '@core/errors/domain-error';

/** WhatsApp's id for a person: their number's digits (`wa_id`, also Baileys' user JID). */
export const WA_ID = 'wa_id';
/** WhatsApp's privacy id for a person whose number is hidden (`<digits>@lid`). */
export const LID = 'lid';
/** A text message's body, in characters (Cloud API and WhatsApp itself). */
export const WHATSAPP_TEXT_CHARACTERS = 4096;

/**
 * WhatsApp's rules, the same whichever provider carries the message (Cloud API or Evolution):
 * a person is their number (known both as wa_id and as phone) or a LID; contact cards need a
 * formatted name (Meta refuses the whole send without one, and Evolution's card has no other
 * name to show); texts hold 4,096 characters; templates are business-initiated, so they fall back only where allowed.
 */
export const WHATSAPP_MESSAGING_RULES: MessagingRules = {
  identityKinds: [WA_ID, LID, PHONE_IDENTITY],

  recipientIdentities(to: string): ContactIdentity[] {
    const digits = /^\+?(\d{6,15})$/.exec(to)?.[1];
    if (digits) {
      return [
        { type: WA_ID, value: digits },
        { type: PHONE_IDENTITY, value: `+${digits}` },
      ];
    }
    if (to.endsWith('@lid')) return [{ type: LID, value: to }];
    return [{ type: WA_ID, value: to }];
  },

  contentViolations(content: OutboundContent): FieldError[] {
    if (content.type === 'text' && [...content.text].length > WHATSAPP_TEXT_CHARACTERS) {
      return [
        {
          field: 'text.body',
          message: `WhatsApp texts hold at most ${WHATSAPP_TEXT_CHARACTERS} characters`,
        },
      ];
    }
    if (content.type !== 'contacts') return [];
    const unnamed = content.contacts.findIndex(
      (card) =>
        typeof (card.name as { formatted_name?: unknown } | undefined)?.formatted_name !== 'string',
    );
    return unnamed < 0
      ? []
      : [
          {
            field: `contacts[${unnamed}].name.formatted_name`,
            message: 'every contact card needs name.formatted_name',
          },
        ];
  },

  fallbackClassOf(type: MessageType): FallbackClass {
    return type === 'template' ? 'template' : 'service';
  },
};
