/**
 * The channel-agnostic message a messaging provider sends. Deliberately small: each provider
 * translates it to its platform's payload and declares which types it supports in
 * `capabilities`; the messaging core checks that before dispatching.
 */
export interface MediaRef {
  /** A URL the platform can fetch, or a media id the platform already holds. */
  url?: string;
  mediaId?: string;
  mimeType?: string;
  filename?: string;
}

export type OutboundContent =
  | { type: 'text'; text: string; previewUrl?: boolean }
  | { type: 'image' | 'video' | 'document'; media: MediaRef; caption?: string }
  | { type: 'audio' | 'sticker'; media: MediaRef }
  | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | {
      type: 'template';
      template: { name: string; language: string; components?: readonly unknown[] };
    }
  | { type: 'interactive'; interactive: Readonly<Record<string, unknown>> }
  | { type: 'reaction'; targetProviderMessageId: string; emoji: string }
  /** Contact cards in the platform's documented shape (each with name.formatted_name). */
  | { type: 'contacts'; contacts: readonly Readonly<Record<string, unknown>>[] };

export type MessageType = OutboundContent['type'];

/** Every type a provider may send; each provider declares its subset in `capabilities`. */
export const MESSAGE_TYPES = [
  'text',
  'image',
  'video',
  'document',
  'audio',
  'sticker',
  'location',
  'template',
  'interactive',
  'reaction',
  'contacts',
] as const satisfies readonly MessageType[];

// Fails to compile when a content type is added above but not listed in MESSAGE_TYPES.
const _everyTypeListed: Exclude<MessageType, (typeof MESSAGE_TYPES)[number]> extends never
  ? true
  : never = true;
void _everyTypeListed;

export type OutboundMessage = OutboundContent & {
  /** Our message id: providers that accept a client reference send it for idempotency. */
  readonly id: string;
  /** The recipient's address on this channel (phone number / wa_id, IGSID, ...). */
  readonly to: string;
  /** Provider message id of the message this one replies to, when it is a reply. */
  readonly replyToProviderMessageId?: string;
};

export interface SendResult {
  /** The platform's id for the sent message; inbound status updates refer to it. */
  providerMessageId: string;
  acceptedAt: Date;
  /** The platform's canonical id for the recipient when it returned one (e.g. WhatsApp wa_id). */
  recipientId?: string;
}
