import type { ContactIdentity, FallbackClass, MessagingRules } from '@core/channel/messaging-rules';
import type { OutboundContent } from '@core/channel/outbound-message';
import type { FieldError } from '@core/errors/domain-error';
import { genericTemplateViolations } from './instagram-generic-template';

/** Instagram's id for a person who wrote to an account: the Instagram-scoped id (IGSID). */
export const IGSID = 'igsid';

/** Instagram Messaging limits (developers.facebook.com, Instagram messaging "Send Messages"). */
export const INSTAGRAM_LIMITS = {
  /** `message.text`: UTF-8, at most 1,000 bytes. */
  textBytes: 1000,
  /** Quick replies under one text. */
  quickReplies: 13,
  /** A quick reply's `title` (characters). */
  quickReplyTitle: 20,
  /** A quick reply's `payload` (characters). */
  quickReplyPayload: 1000,
} as const;

/**
 * Instagram Direct's rules: a person is their IGSID (digits, scoped to the business account, so
 * never a phone number); text is capped in bytes; quick replies are few and short; attachments
 * carry no caption (Meta drops nothing silently: it refuses the field). Nothing falls back.
 */
export const INSTAGRAM_MESSAGING_RULES: MessagingRules = {
  identityKinds: [IGSID],

  recipientIdentities(to: string): ContactIdentity[] | undefined {
    return /^\d{5,32}$/.test(to) ? [{ type: IGSID, value: to }] : undefined;
  },

  contentViolations(content: OutboundContent): FieldError[] {
    if (content.type === 'text') return textViolations(content);
    if (content.type === 'interactive') return genericTemplateViolations(content.interactive);
    if ('caption' in content && content.caption) {
      return [
        {
          field: 'media.caption',
          message: 'Instagram attachments carry no caption; send the text as its own message',
        },
      ];
    }
    return [];
  },

  fallbackClassOf(): FallbackClass {
    return 'service';
  },
};

function textViolations(content: Extract<OutboundContent, { type: 'text' }>): FieldError[] {
  const violations: FieldError[] = [];
  if (Buffer.byteLength(content.text, 'utf8') > INSTAGRAM_LIMITS.textBytes) {
    violations.push({
      field: 'text.body',
      message: `Instagram texts hold at most ${INSTAGRAM_LIMITS.textBytes} bytes (UTF-8)`,
    });
  }
  const replies = content.quickReplies ?? [];
  if (replies.length > INSTAGRAM_LIMITS.quickReplies) {
    violations.push({
      field: 'text.quickReplies',
      message: `Instagram shows at most ${INSTAGRAM_LIMITS.quickReplies} quick replies`,
    });
  }
  replies.forEach((reply, i) => {
    if (reply.type !== 'text') return;
    if ([...reply.title].length > INSTAGRAM_LIMITS.quickReplyTitle) {
      violations.push({
        field: `text.quickReplies[${i}].title`,
        message: `a quick reply title holds at most ${INSTAGRAM_LIMITS.quickReplyTitle} characters`,
      });
    }
    if ([...reply.payload].length > INSTAGRAM_LIMITS.quickReplyPayload) {
      violations.push({
        field: `text.quickReplies[${i}].payload`,
        message: `a quick reply payload holds at most ${INSTAGRAM_LIMITS.quickReplyPayload} characters`,
      });
    }
  });
  return violations;
}
