import type { InboundContent, InboundMedia } from '@app/messaging/inbound/normalized-event';
import {
  JsonObject,
  asArray,
  asNumber,
  asObject,
  asString,
  compact,
} from '@app/messaging/inbound/webhook-payload.reader';

/** A content, or why the message is left out (a reason never quotes the message itself). */
export type EvolutionContentResult = InboundContent | { skip: string };

/** Baileys wrappers whose inner `message` holds the real content. */
const WRAPPERS = [
  'ephemeralMessage',
  'viewOnceMessage',
  'viewOnceMessageV2',
  'viewOnceMessageV2Extension',
  'documentWithCaptionMessage',
];

/** Keys Baileys puts beside the content that are not content themselves. */
const NOT_CONTENT = new Set(['messageContextInfo', 'base64', 'mediaUrl']);

/** Protocol frames (revokes, edits, key exchange) are not something the customer wrote. */
const NOT_MESSAGES = new Set(['protocolMessage', 'senderKeyDistributionMessage']);

const MEDIA: Record<string, 'image' | 'audio' | 'video' | 'document' | 'sticker'> = {
  imageMessage: 'image',
  audioMessage: 'audio',
  videoMessage: 'video',
  documentMessage: 'document',
  stickerMessage: 'sticker',
};

/**
 * The Baileys message type (`imageMessage`, `conversation`...) and its body: Evolution's
 * `messageType` when it names a key of `message`, else the first content key, after unwrapping
 * ephemeral / view-once / document-with-caption envelopes.
 */
export function typedBodyOf(
  message: JsonObject,
  declared: string | undefined,
): { type: string; body: unknown } | undefined {
  for (const wrapper of WRAPPERS) {
    const inner = asObject(asObject(message[wrapper])?.message);
    if (inner) return typedBodyOf(inner, undefined);
  }
  if (declared && declared in message) return { type: declared, body: message[declared] };
  const type = Object.keys(message).find((key) => !NOT_CONTENT.has(key));
  return type ? { type, body: message[type] } : undefined;
}

/**
 * Maps one Baileys message body to normalized content. Media is fetched later through
 * Evolution by the message's own key id, so `mediaId` is that id (Evolution's
 * getBase64FromMediaMessage takes the message key); inline base64 is never copied.
 */
export function evolutionContentOf(
  type: string,
  body: unknown,
  messageId: string,
): EvolutionContentResult {
  if (NOT_MESSAGES.has(type)) return { skip: `${type} is not a message` };
  const object = asObject(body);
  if (type in MEDIA) return mediaContent(MEDIA[type], object, messageId);
  switch (type) {
    case 'conversation':
      return typeof body === 'string' ? { type: 'text', text: body } : { skip: 'conversation' };
    case 'extendedTextMessage': {
      const text = object?.text;
      return typeof text === 'string' ? { type: 'text', text } : { skip: `${type}.text` };
    }
    case 'locationMessage':
    case 'liveLocationMessage':
      return locationContent(type, object);
    case 'contactMessage':
      return object ? contactsContent([object]) : { skip: type };
    case 'contactsArrayMessage':
      return contactsContent(asArray(object?.contacts).map(asObject));
    case 'reactionMessage': {
      const target = asString(asObject(object?.key)?.id);
      if (!target) return { skip: `${type}.key.id` };
      // An empty text is the customer taking the reaction back.
      return {
        type: 'reaction',
        targetProviderMessageId: target,
        emoji: asString(object?.text) ?? null,
      };
    }
    case 'buttonsResponseMessage':
      return choice(
        type,
        'button',
        asString(object?.selectedButtonId),
        object?.selectedDisplayText,
      );
    case 'templateButtonReplyMessage':
      return choice(type, 'button', asString(object?.selectedId), object?.selectedDisplayText);
    case 'listResponseMessage': {
      const id = asString(asObject(object?.singleSelectReply)?.selectedRowId);
      return choice(type, 'list', id, object?.title, asString(object?.description));
    }
    default:
      return { type: 'unsupported', platformType: type };
  }
}

function mediaContent(
  type: 'image' | 'audio' | 'video' | 'document' | 'sticker',
  media: JsonObject | undefined,
  messageId: string,
): EvolutionContentResult {
  if (!media) return { skip: `${type} body is not an object` };
  const described: InboundMedia = compact({
    mediaId: messageId,
    mimeType: asString(media.mimetype),
    sha256: typeof media.fileSha256 === 'string' ? media.fileSha256 : undefined,
    caption: typeof media.caption === 'string' ? media.caption : undefined,
    filename: type === 'document' ? asString(media.fileName) : undefined,
    voice: type === 'audio' && typeof media.ptt === 'boolean' ? media.ptt : undefined,
    animated:
      type === 'sticker' && typeof media.isAnimated === 'boolean' ? media.isAnimated : undefined,
  });
  return { type, media: described };
}

function locationContent(type: string, location: JsonObject | undefined): EvolutionContentResult {
  const latitude = asNumber(location?.degreesLatitude);
  const longitude = asNumber(location?.degreesLongitude);
  if (!location || latitude === undefined || longitude === undefined) {
    return { skip: `${type}.degreesLatitude/degreesLongitude` };
  }
  return compact({
    type: 'location' as const,
    latitude,
    longitude,
    name: asString(location.name),
    address: asString(location.address),
    url: asString(location.url),
  });
}

/** vCards are kept as Evolution sends them: `{ displayName, vcard }` per card. */
function contactsContent(cards: readonly (JsonObject | undefined)[]): EvolutionContentResult {
  if (cards.length === 0 || cards.some((card) => !card)) return { skip: 'contact cards' };
  return {
    type: 'contacts',
    contacts: (cards as JsonObject[]).map((card) =>
      compact({ displayName: asString(card.displayName), vcard: asString(card.vcard) }),
    ),
  };
}

function choice(
  type: string,
  replyType: 'button' | 'list',
  id: string | undefined,
  title: unknown,
  description?: string,
): EvolutionContentResult {
  if (!id || typeof title !== 'string' || title === '') return { skip: `${type} id/title` };
  return compact({ type: 'interactive_reply' as const, replyType, id, title, description });
}
