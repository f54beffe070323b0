import type { InboundContent, InboundMedia } from '@app/messaging/inbound/normalized-event';
import {
  JsonObject,
  asArray,
  asNumber,
  asObject,
  asString,
  compact,
} from '@app/messaging/inbound/webhook-payload.reader';

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
type MediaType = (typeof MEDIA_TYPES)[number];

/** A content, or why the message cannot be read (a reason never quotes the message itself). */
export type ContentResult = InboundContent | { invalid: string };

/**
 * Maps one `value.messages[]` item of Meta's messages webhook to normalized content, by its
 * `type`. Types we do not model (order, system, unknown, unsupported, Flow replies, whatever
 * Meta adds next) become 'unsupported' so the conversation still shows that something came.
 */
export function contentOf(message: JsonObject, type: string): ContentResult {
  if ((MEDIA_TYPES as readonly string[]).includes(type)) {
    return mediaContent(type as MediaType, asObject(message[type]));
  }
  switch (type) {
    case 'text': {
      const body = asObject(message.text)?.body;
      return typeof body === 'string' ? { type: 'text', text: body } : { invalid: 'text.body' };
    }
    case 'location':
      return locationContent(asObject(message.location));
    case 'contacts': {
      const cards = asArray(message.contacts).map(asObject);
      if (cards.length === 0 || cards.some((card) => !card)) return { invalid: 'contacts[]' };
      return { type: 'contacts', contacts: cards as JsonObject[] };
    }
    case 'interactive':
      return interactiveContent(asObject(message.interactive));
    case 'button': {
      const button = asObject(message.button);
      const text = asString(button?.text);
      if (!text) return { invalid: 'button.text' };
      return compact({ type: 'button_reply', text, payload: asString(button?.payload) });
    }
    case 'reaction': {
      const reaction = asObject(message.reaction);
      const target = asString(reaction?.message_id);
      if (!target) return { invalid: 'reaction.message_id' };
      // No emoji means the customer took the reaction back.
      return {
        type: 'reaction',
        targetProviderMessageId: target,
        emoji: asString(reaction?.emoji) ?? null,
      };
    }
    default:
      return unsupported(message, type);
  }
}

function mediaContent(type: MediaType, media: JsonObject | undefined): ContentResult {
  const mediaId = asString(media?.id);
  if (!media || !mediaId) return { invalid: `${type}.id` };
  const described: InboundMedia = compact({
    mediaId,
    mimeType: asString(media.mime_type),
    sha256: asString(media.sha256),
    caption: typeof media.caption === 'string' ? media.caption : undefined,
    filename: type === 'document' ? asString(media.filename) : undefined,
    voice: type === 'audio' && typeof media.voice === 'boolean' ? media.voice : undefined,
    animated:
      type === 'sticker' && typeof media.animated === 'boolean' ? media.animated : undefined,
  });
  return { type, media: described };
}

function locationContent(location: JsonObject | undefined): ContentResult {
  const latitude = asNumber(location?.latitude);
  const longitude = asNumber(location?.longitude);
  if (!location || latitude === undefined || longitude === undefined) {
    return { invalid: 'location.latitude/longitude' };
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

function interactiveContent(interactive: JsonObject | undefined): ContentResult {
  const kind = asString(interactive?.type);
  if (!interactive || !kind) return { invalid: 'interactive.type' };
  if (kind === 'button_reply' || kind === 'list_reply') {
    const reply = asObject(interactive[kind]);
    const id = asString(reply?.id);
    const title = asString(reply?.title);
    if (!reply || !id || !title) return { invalid: `interactive.${kind}` };
    return compact({
      type: 'interactive_reply' as const,
      replyType: kind === 'button_reply' ? ('button' as const) : ('list' as const),
      id,
      title,
      description: kind === 'list_reply' ? asString(reply.description) : undefined,
    });
  }
  // nfm_reply is a WhatsApp Flow answer: its response_json holds the customer's form data,
  // which we neither model nor copy; the detail names the Flow kind only.
  const flowName =
    kind === 'nfm_reply' ? asString(asObject(interactive.nfm_reply)?.name) : undefined;
  return {
    type: 'unsupported',
    platformType: 'interactive',
    detail: flowName ? `interactive.nfm_reply (${flowName})` : `interactive.${kind}`,
  };
}

/** Meta explains unsupported messages in `errors[]` (code 131051); system messages by kind. */
function unsupported(message: JsonObject, type: string): ContentResult {
  const error = asObject(asArray(message.errors)[0]);
  let detail: string | undefined;
  if (error) {
    const code = asNumber(error.code);
    const text =
      asString(asObject(error.error_data)?.details) ??
      asString(error.message) ??
      asString(error.title);
    detail = [code, text].filter((part) => part !== undefined).join(': ') || undefined;
  } else if (type === 'system') {
    // The system body quotes phone numbers; only its kind is kept.
    const kind = asString(asObject(message.system)?.type);
    detail = kind ? `system.${kind}` : undefined;
  }
  return compact({ type: 'unsupported' as const, platformType: type, detail });
}
