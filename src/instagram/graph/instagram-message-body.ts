import type {
  ContentKind,
  MediaRef,
  OutboundMessage,
  QuickReply,
} from '@core/channel/outbound-message';
import type {
  GenericTemplate,
  GenericTemplateElement,
} from '@app/instagram/rules/instagram-generic-template';

/** What the Send API takes from an Instagram account (both flavours take the same bodies). */
export const INSTAGRAM_CAPABILITIES: readonly ContentKind[] = [
  'text',
  'quick_replies',
  'image',
  'video',
  'audio',
  'document',
  'media',
  'interactive',
  'reaction',
  'sender_action',
];

type Json = Record<string, unknown>;

/**
 * The Send API body for one message (`POST .../messages`, Instagram messaging "Send
 * Messages"): `recipient.id` is the IGSID; content goes in `message` (text with
 * `quick_replies`, or one `attachment` by URL or uploaded `attachment_id`), presence signals
 * and reactions in `sender_action` (+ `payload` naming the message), a reply in
 * `reply_to.mid`. `humanAgent` adds the HUMAN_AGENT tag (a person answers, up to 7 days).
 */
export function buildInstagramBody(message: OutboundMessage, humanAgent = false): Json {
  const recipient = { recipient: { id: message.to } };
  switch (message.type) {
    case 'sender_action':
      return { ...recipient, sender_action: message.action };
    case 'reaction':
      // An empty emoji takes our reaction back (the DTO's documented "remove").
      return message.emoji === ''
        ? {
            ...recipient,
            sender_action: 'unreact',
            payload: { message_id: message.targetProviderMessageId },
          }
        : {
            ...recipient,
            sender_action: 'react',
            payload: { message_id: message.targetProviderMessageId, reaction: message.emoji },
          };
    default:
      return {
        ...recipient,
        ...(humanAgent ? { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' } : {}),
        ...(message.replyToProviderMessageId
          ? { reply_to: { mid: message.replyToProviderMessageId } }
          : {}),
        message: messageOf(message),
      };
  }
}

function messageOf(message: OutboundMessage): Json {
  switch (message.type) {
    case 'text':
      return message.quickReplies?.length
        ? { text: message.text, quick_replies: message.quickReplies.map(quickReplyOf) }
        : { text: message.text };
    case 'image':
    case 'video':
    case 'audio':
      return attachment(message.type, message.media);
    case 'document':
      return attachment('file', message.media);
    case 'media':
      return attachment(attachmentTypeOf(message.media.mimeType), message.media);
    case 'interactive':
      // The rules admitted only the generic template (genericTemplateViolations).
      return genericTemplateOf(message.interactive as unknown as GenericTemplate);
    default:
      // Capabilities keep every other type from being accepted for an Instagram account.
      throw new Error(`Instagram cannot send ${message.type} messages`);
  }
}

function attachment(type: string, media: MediaRef): Json {
  const payload = media.url ? { url: media.url } : { attachment_id: media.mediaId };
  return { attachment: { type, payload } };
}

/** Instagram's attachment type for a file of any kind: by MIME type, `file` otherwise. */
function attachmentTypeOf(mimeType: string | undefined): string {
  const family = mimeType?.split('/')[0];
  return family === 'image' || family === 'video' || family === 'audio' ? family : 'file';
}

/** `attachment.type: template`, `template_type: generic`, Meta's snake_case fields. */
function genericTemplateOf(template: GenericTemplate): Json {
  return {
    attachment: {
      type: 'template',
      payload: { template_type: 'generic', elements: template.elements.map(elementOf) },
    },
  };
}

function elementOf(element: GenericTemplateElement): Json {
  return {
    title: element.title,
    ...(element.subtitle !== undefined ? { subtitle: element.subtitle } : {}),
    ...(element.imageUrl !== undefined ? { image_url: element.imageUrl } : {}),
    ...(element.defaultAction
      ? { default_action: { type: 'web_url', url: element.defaultAction.url } }
      : {}),
    ...(element.buttons
      ? {
          buttons: element.buttons.map((button) =>
            button.type === 'web_url'
              ? { type: 'web_url', url: button.url, title: button.title }
              : { type: 'postback', title: button.title, payload: button.payload },
          ),
        }
      : {}),
  };
}

function quickReplyOf(reply: QuickReply): Json {
  switch (reply.type) {
    case 'text':
      return { content_type: 'text', title: reply.title, payload: reply.payload };
    case 'phone':
      return { content_type: 'user_phone_number' };
    case 'email':
      return { content_type: 'user_email' };
  }
}

/**
 * The links Meta will fetch from a body (an attachment URL, a generic template's images), for
 * the public-link guard. Button and default-action URLs are opened by the person's browser.
 */
export function instagramMediaLinks(body: Json): string[] {
  const payload = (
    body.message as
      | { attachment?: { payload?: { url?: unknown; elements?: { image_url?: unknown }[] } } }
      | undefined
  )?.attachment?.payload;
  const links = [payload?.url, ...(payload?.elements ?? []).map((element) => element.image_url)];
  return links.filter((link): link is string => typeof link === 'string');
}
