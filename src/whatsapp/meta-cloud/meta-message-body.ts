import type { ContentKind, MediaRef, OutboundMessage } from '@core/channel/outbound-message';
import { PlatformError } from '@core/errors/platform-error';

/**
 * What the Cloud API provider sends: every WhatsApp message type (replies go as `context`).
 * Left out: a kind-less 'media' (WhatsApp needs the type named) and sender actions (not sent
 * on their own through this provider).
 */
export const META_CLOUD_MESSAGE_TYPES = [
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
] as const satisfies readonly ContentKind[];

/** Uploaded media goes by `id`, hosted media by `link`; Meta takes exactly one of them. */
type MetaMedia = ({ id: string } | { link: string }) & { caption?: string; filename?: string };

export type MetaMessageBody = {
  messaging_product: 'whatsapp';
  recipient_type: 'individual';
  to: string;
  context?: { message_id: string };
} & (
  | { type: 'text'; text: { body: string; preview_url?: boolean } }
  | { type: 'image' | 'video' | 'document' | 'audio' | 'sticker'; [media: string]: unknown }
  | {
      type: 'location';
      location: { latitude: number; longitude: number; name?: string; address?: string };
    }
  | {
      type: 'template';
      template: { name: string; language: { code: string }; components?: readonly unknown[] };
    }
  | { type: 'interactive'; interactive: Readonly<Record<string, unknown>> }
  | { type: 'reaction'; reaction: { message_id: string; emoji: string } }
  | { type: 'contacts'; contacts: readonly Readonly<Record<string, unknown>>[] }
);

/**
 * The JSON body of `POST /{phone-number-id}/messages` for one outbound message, exactly as
 * Meta documents it per type (sources in test/fakes/meta-graph/CONTRACT.md). Optional fields
 * are left out rather than sent empty. Interactive objects and template components are the
 * caller's, passed through as given.
 */
export function buildMessageBody(message: OutboundMessage): MetaMessageBody {
  const envelope = {
    messaging_product: 'whatsapp' as const,
    recipient_type: 'individual' as const,
    to: message.to,
    // A reaction already names its target; `context` is for replies.
    ...(message.replyToProviderMessageId && message.type !== 'reaction'
      ? { context: { message_id: message.replyToProviderMessageId } }
      : {}),
  };
  switch (message.type) {
    case 'text':
      return {
        ...envelope,
        type: 'text',
        text: {
          body: message.text,
          ...(message.previewUrl !== undefined ? { preview_url: message.previewUrl } : {}),
        },
      };
    case 'image':
    case 'video':
      return { ...envelope, type: message.type, [message.type]: media(message, message.caption) };
    case 'document':
      return {
        ...envelope,
        type: 'document',
        document: media(message, message.caption, message.media.filename),
      };
    case 'audio':
    case 'sticker':
      return { ...envelope, type: message.type, [message.type]: media(message) };
    case 'location': {
      const { latitude, longitude, name, address } = message;
      return {
        ...envelope,
        type: 'location',
        location: { latitude, longitude, ...optional({ name, address }) },
      };
    }
    case 'template': {
      const { name, language, components } = message.template;
      return {
        ...envelope,
        type: 'template',
        template: { name, language: { code: language }, ...optional({ components }) },
      };
    }
    case 'interactive':
      return { ...envelope, type: 'interactive', interactive: message.interactive };
    case 'reaction':
      return {
        ...envelope,
        type: 'reaction',
        reaction: { message_id: message.targetProviderMessageId, emoji: message.emoji },
      };
    case 'contacts':
      return { ...envelope, type: 'contacts', contacts: message.contacts };
    case 'media':
    case 'sender_action':
      throw new PlatformError(
        'whatsapp',
        'send_message',
        'rejected',
        `whatsapp send_message: ${message.type} messages are not sent through the Cloud API`,
      );
  }
}

/** `POST /{phone-number-id}/messages` body that marks a received message as read. */
export function buildReadReceiptBody(providerMessageId: string): {
  messaging_product: 'whatsapp';
  status: 'read';
  message_id: string;
} {
  return { messaging_product: 'whatsapp', status: 'read', message_id: providerMessageId };
}

function media(
  message: OutboundMessage & { media: MediaRef },
  caption?: string,
  filename?: string,
): MetaMedia {
  const { mediaId, url } = message.media;
  const source = mediaId ? { id: mediaId } : url ? { link: url } : undefined;
  if (!source) {
    throw new PlatformError(
      'whatsapp',
      'send_message',
      'rejected',
      `whatsapp send_message: ${message.type} message ${message.id} has neither a media id nor a link`,
    );
  }
  return { ...source, ...optional({ caption, filename }) };
}

/** The entries whose value is set: Meta wants absent fields absent, not null or "". */
function optional<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined && value !== ''),
  ) as Partial<T>;
}
