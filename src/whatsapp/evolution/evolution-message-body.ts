import type { ContentKind, OutboundMessage } from '@core/channel/outbound-message';
import { PlatformError } from '@core/errors/platform-error';
import { EvolutionContactCard, toEvolutionContactCard } from './evolution-contact-card';
import { toEvolutionNumber } from './evolution-jid';

/**
 * The types Evolution sends reliably through a Baileys instance. Left out on purpose:
 * 'interactive' (buttons and lists are dropped or not rendered by WhatsApp outside the official
 * API; Baileys removed them), 'template' (a Cloud API concept) and 'sticker' (WebP only, not
 * needed yet), a kind-less 'media' and sender actions. Replies are quoted. Sources in
 * test/fakes/evolution/CONTRACT.md.
 */
export const EVOLUTION_MESSAGE_TYPES = [
  'text',
  'image',
  'video',
  'document',
  'audio',
  'location',
  'contacts',
  'reaction',
] as const satisfies readonly ContentKind[];

export type EvolutionSendEndpoint =
  'sendText' | 'sendMedia' | 'sendWhatsAppAudio' | 'sendLocation' | 'sendContact' | 'sendReaction';

/** One send: `POST /message/{endpoint}/{instance}` with this JSON body. */
export interface EvolutionSendRequest {
  endpoint: EvolutionSendEndpoint;
  body: Record<string, unknown>;
}

/**
 * The Evolution v2 request for one outbound message. Replies carry `quoted: { key: { id } }`
 * (Evolution finds the quoted message by id in its own store); contact cards take no quote in
 * Evolution, so a reply-to is dropped there. Media must be a URL: Evolution has no media ids.
 */
export function buildEvolutionSend(message: OutboundMessage): EvolutionSendRequest {
  const number = recipientOf(message);
  const quoted = message.replyToProviderMessageId
    ? { quoted: { key: { id: message.replyToProviderMessageId } } }
    : {};
  switch (message.type) {
    case 'text':
      return {
        endpoint: 'sendText',
        body: {
          number,
          text: message.text,
          ...(message.previewUrl !== undefined ? { linkPreview: message.previewUrl } : {}),
          ...quoted,
        },
      };
    case 'image':
    case 'video':
    case 'document': {
      const { mimeType, filename } = message.media;
      return {
        endpoint: 'sendMedia',
        body: {
          number,
          mediatype: message.type,
          media: mediaUrlOf(message),
          ...optional({ mimetype: mimeType, caption: message.caption, fileName: filename }),
          ...quoted,
        },
      };
    }
    case 'audio':
      // sendWhatsAppAudio delivers a voice note (push-to-talk), as WhatsApp users expect audio.
      return {
        endpoint: 'sendWhatsAppAudio',
        body: { number, audio: mediaUrlOf(message), ...quoted },
      };
    case 'location':
      // Evolution's schema requires name and address; an unnamed pin sends them empty.
      return {
        endpoint: 'sendLocation',
        body: {
          number,
          latitude: message.latitude,
          longitude: message.longitude,
          name: message.name ?? '',
          address: message.address ?? '',
          ...quoted,
        },
      };
    case 'contacts':
      return {
        endpoint: 'sendContact',
        body: { number, contact: message.contacts.map((card) => cardOf(message, card)) },
      };
    case 'reaction':
      // Reactions answer the customer's messages, so the target is theirs (fromMe false).
      return {
        endpoint: 'sendReaction',
        body: {
          key: { remoteJid: jidOf(number), fromMe: false, id: message.targetProviderMessageId },
          reaction: message.emoji,
        },
      };
    case 'sticker':
    case 'template':
    case 'interactive':
    case 'media':
    case 'sender_action':
      throw rejected(message, `${message.type} messages are not sent through Evolution`);
  }
}

function cardOf(
  message: OutboundMessage,
  card: Readonly<Record<string, unknown>>,
): EvolutionContactCard {
  const converted = toEvolutionContactCard(card);
  if (!converted) throw rejected(message, 'every contact card needs a name and a phone number');
  return converted;
}

function recipientOf(message: OutboundMessage): string {
  const number = toEvolutionNumber(message.to);
  if (!number) throw rejected(message, 'the recipient is not a phone number or a user JID');
  return number;
}

function jidOf(number: string): string {
  return number.includes('@') ? number : `${number}@s.whatsapp.net`;
}

function mediaUrlOf(message: OutboundMessage & { media: { url?: string } }): string {
  if (!message.media.url) {
    throw rejected(message, `${message.type} media needs a URL (Evolution keeps no media ids)`);
  }
  return message.media.url;
}

function rejected(message: OutboundMessage, why: string): PlatformError {
  return new PlatformError(
    'whatsapp',
    'send_message',
    'rejected',
    `whatsapp send_message: message ${message.id}: ${why}`,
  );
}

function optional<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined && value !== ''),
  ) as Partial<T>;
}
