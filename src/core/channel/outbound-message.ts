/**
 * The channel-neutral message a messaging provider sends: one union every platform expresses
 * in its own payload (WhatsApp's Cloud API and Evolution, Instagram Direct, ...). Each provider
 * declares in `capabilities` which kinds below it takes; the messaging core refuses any other
 * before a send is accepted, so a kind that one platform lacks costs the others nothing.
 *
 * Instagram Direct shapes this carries (developers.facebook.com, Instagram Messaging):
 * `message.text` with `quick_replies` (at most 13; text, user_phone_number, user_email),
 * `attachment` of type image / video / audio / file from a URL, `sender_action` typing_on /
 * typing_off / mark_seen, reactions, and replies to a message. Platform limits (Instagram's
 * 1000 bytes of text, WhatsApp's named contact cards...) are the provider's rules, not here.
 */
export interface MediaRef {
  /** A URL the platform can fetch, or a media id the platform already holds. */
  url?: string;
  mediaId?: string;
  mimeType?: string;
  filename?: string;
}

/**
 * A preset answer shown under a text, sent back as a message when tapped. `phone` and `email`
 * offer the person's own number or address from their profile (hidden when they have none).
 */
export type QuickReply =
  { type: 'text'; title: string; payload: string } | { type: 'phone' | 'email' };

/** Presence signals about the conversation, not content: shown, never stored by the platform. */
export const SENDER_ACTIONS = ['typing_on', 'typing_off', 'mark_seen'] as const;
export type SenderAction = (typeof SENDER_ACTIONS)[number];

export type OutboundContent =
  | { type: 'text'; text: string; previewUrl?: boolean; quickReplies?: readonly QuickReply[] }
  | { type: 'image' | 'video' | 'document'; media: MediaRef; caption?: string }
  | { type: 'audio' | 'sticker'; media: MediaRef }
  /** A file of any kind: the provider picks its platform's kind from the MIME type. */
  | { type: 'media'; media: MediaRef; caption?: string }
  | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  /** A pre-approved message from the account's template catalog (business-initiated). */
  | {
      type: 'template';
      template: { name: string; language: string; components?: readonly unknown[] };
    }
  | { type: 'interactive'; interactive: Readonly<Record<string, unknown>> }
  | { type: 'reaction'; targetProviderMessageId: string; emoji: string }
  /** Contact cards in vCard-like JSON (name, phones, emails...); providers set their rules. */
  | { type: 'contacts'; contacts: readonly Readonly<Record<string, unknown>>[] }
  | { type: 'sender_action'; action: SenderAction };

export type MessageType = OutboundContent['type'];

/** Every type a provider may send; each provider declares its subset in `capabilities`. */
export const MESSAGE_TYPES = [
  'text',
  'image',
  'video',
  'document',
  'audio',
  'sticker',
  'media',
  'location',
  'template',
  'interactive',
  'reaction',
  'contacts',
  'sender_action',
] as const satisfies readonly MessageType[];

// Fails to compile when a content type is added above but not listed in MESSAGE_TYPES.
const _everyTypeListed: Exclude<MessageType, (typeof MESSAGE_TYPES)[number]> extends never
  ? true
  : never = true;
void _everyTypeListed;

/**
 * What a message may carry besides its type, declared in `capabilities` like a type:
 * `quick_replies` under a text. (A reply to an earlier message is not one: every platform
 * quotes or threads replies, as `replyToProviderMessageId`.)
 */
export type MessageFeature = 'quick_replies';

/** What a provider can take: message types and features. */
export type ContentKind = MessageType | MessageFeature;

export type OutboundMessage = OutboundContent & {
  /** Our message id: providers that accept a client reference send it for idempotency. */
  readonly id: string;
  /** The recipient's address on this channel, as the provider's rules accepted it. */
  readonly to: string;
  /** Provider message id of the message this one replies to, when it is a reply. */
  readonly replyToProviderMessageId?: string;
};

export interface SendResult {
  /** The platform's id for the sent message; inbound status updates refer to it. */
  providerMessageId: string;
  acceptedAt: Date;
  /** The platform's canonical id for the recipient when it returned one. */
  recipientId?: string;
}
