import type { ContactIdentity, FallbackClass, MessagingRules } from '@core/channel/messaging-rules';
import type { OutboundContent } from '@core/channel/outbound-message';
import type { FieldError } from '@core/errors/domain-error';

/** A person on TikTok: the user id TikTok's webhooks name them by (`from_user.id`). */
export const TIKTOK_USER_ID = 'tiktok_user_id';

/** Business Messaging limits (test/fakes/tiktok/CONTRACT.md). */
export const TIKTOK_LIMITS = {
  /** `text.body`, in characters. */
  textCharacters: 6000,
  /** Images TikTok takes: JPG or PNG up to 3 MB, one per message. */
  imageBytes: 3 * 1024 * 1024,
  imageTypes: ['image/jpeg', 'image/png'] as readonly string[],
  /** Replies after the person's last message... */
  repliesPerWindow: 10,
  /** ...within this long of it. */
  replyWindowMs: 48 * 60 * 60 * 1000,
  /** A comment reply's text. */
  commentReplyCharacters: 150,
} as const;

/** A shared TikTok post, sent as `interactive: { sharePost: { itemId } }`. */
export function sharePostOf(content: OutboundContent): string | undefined {
  if (content.type !== 'interactive') return undefined;
  const share = (content.interactive as { sharePost?: { itemId?: unknown } }).sharePost;
  return typeof share?.itemId === 'string' && /^\d{1,32}$/.test(share.itemId)
    ? share.itemId
    : undefined;
}

/**
 * TikTok's rules: a person is their TikTok user id (opaque, never a phone number); a message is
 * text or one image or a shared post, never two of them; text up to 6,000 characters; images
 * carry no caption. Nothing falls back: TikTok has one provider.
 */
export const TIKTOK_MESSAGING_RULES: MessagingRules = {
  identityKinds: [TIKTOK_USER_ID],
  recipientIdentities(to: string): ContactIdentity[] | undefined {
    return /^[A-Za-z0-9._:=+/-]{1,128}$/.test(to) && !to.startsWith('+')
      ? [{ type: TIKTOK_USER_ID, value: to }]
      : undefined;
  },
  contentViolations(content: OutboundContent): FieldError[] {
    switch (content.type) {
      case 'text':
        return [...content.text].length > TIKTOK_LIMITS.textCharacters
          ? [
              {
                field: 'text.body',
                message: `TikTok texts hold at most ${TIKTOK_LIMITS.textCharacters} characters`,
              },
            ]
          : [];
      case 'image':
        return content.caption
          ? [
              {
                field: 'media.caption',
                message: 'A TikTok message is text or an image, never both: send the text alone',
              },
            ]
          : [];
      case 'interactive':
        return sharePostOf(content)
          ? []
          : [
              {
                field: 'interactive',
                message: 'TikTok takes one interactive form: { sharePost: { itemId } }',
              },
            ];
      case 'sender_action':
        return content.action === 'typing_off'
          ? [{ field: 'senderAction', message: 'TikTok has no typing_off action' }]
          : [];
      default:
        return [];
    }
  },
  fallbackClassOf(): FallbackClass {
    return 'service';
  },
};
