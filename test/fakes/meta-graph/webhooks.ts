import { createHmac, randomUUID } from 'node:crypto';

/**
 * Meta's WhatsApp Cloud API webhook bodies, exactly as the "messages webhook reference"
 * documents them, for tests to sign and POST to /webhooks/meta.
 */
export interface MetaBusinessNumber {
  phoneNumberId: string;
  displayPhoneNumber?: string;
  wabaId?: string;
}

export interface MetaSender {
  waId: string;
  name?: string;
}

type Json = Record<string, unknown>;

export interface MessageOptions {
  from: string;
  id?: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  /** wamid of the message this one replies to (`context.id`). */
  replyTo?: string;
  /** A product enquiry: the catalog item the customer asks about (`context.referred_product`). */
  referredProduct?: { catalogId: string; productRetailerId: string };
}

const unixNow = () => Math.floor(Date.now() / 1000);
export const newWamid = () =>
  `wamid.${Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64')}`;

function message(options: MessageOptions, type: string, body: Json): Json {
  const product = options.referredProduct;
  const context = {
    ...(options.replyTo ? { from: '15550783881', id: options.replyTo } : {}),
    ...(product
      ? {
          referred_product: {
            catalog_id: product.catalogId,
            product_retailer_id: product.productRetailerId,
          },
        }
      : {}),
  };
  return {
    ...(Object.keys(context).length ? { context } : {}),
    from: options.from,
    id: options.id ?? newWamid(),
    timestamp: String(options.timestamp ?? unixNow()),
    type,
    ...body,
  };
}

const media = (id: string, mimeType: string, extra: Json = {}) => ({
  mime_type: mimeType,
  sha256: 'aGFzaA==',
  id,
  ...extra,
});

export const metaMessages = {
  text: (o: MessageOptions, body: string) => message(o, 'text', { text: { body } }),
  /** An edit (Coexistence numbers only): the original's id and its new text. */
  editText: (o: MessageOptions, originalId: string, body: string) =>
    message(o, 'edit', {
      edit: { original_message_id: originalId, message: { type: 'text', text: { body } } },
    }),
  /** An edit of a media message's caption (Coexistence numbers only). */
  editCaption: (o: MessageOptions, originalId: string, mediaId: string, caption: string) =>
    message(o, 'edit', {
      edit: {
        original_message_id: originalId,
        message: { type: 'image', image: media(mediaId, 'image/jpeg', { caption }) },
      },
    }),
  /** A deletion ("revoke", Coexistence numbers only) of an earlier message. */
  revoke: (o: MessageOptions, originalId: string) =>
    message(o, 'revoke', { revoke: { original_message_id: originalId } }),
  image: (o: MessageOptions, mediaId: string, caption?: string) =>
    message(o, 'image', { image: media(mediaId, 'image/jpeg', caption ? { caption } : {}) }),
  audio: (o: MessageOptions, mediaId: string, voice = true) =>
    message(o, 'audio', { audio: media(mediaId, 'audio/ogg; codecs=opus', { voice }) }),
  video: (o: MessageOptions, mediaId: string, caption?: string) =>
    message(o, 'video', { video: media(mediaId, 'video/mp4', caption ? { caption } : {}) }),
  document: (o: MessageOptions, mediaId: string, filename: string, caption?: string) =>
    message(o, 'document', {
      document: media(mediaId, 'application/pdf', { filename, ...(caption ? { caption } : {}) }),
    }),
  sticker: (o: MessageOptions, mediaId: string, animated = false) =>
    message(o, 'sticker', { sticker: media(mediaId, 'image/webp', { animated }) }),
  location: (
    o: MessageOptions,
    latitude: number,
    longitude: number,
    name?: string,
    address?: string,
  ) =>
    message(o, 'location', {
      location: { latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) },
    }),
  contacts: (o: MessageOptions, cards: Json[]) => message(o, 'contacts', { contacts: cards }),
  buttonReply: (o: MessageOptions, id: string, title: string) =>
    message(o, 'interactive', {
      interactive: { type: 'button_reply', button_reply: { id, title } },
    }),
  listReply: (o: MessageOptions, id: string, title: string, description?: string) =>
    message(o, 'interactive', {
      interactive: {
        type: 'list_reply',
        list_reply: { id, title, ...(description ? { description } : {}) },
      },
    }),
  flowReply: (o: MessageOptions, responseJson: Json) =>
    message(o, 'interactive', {
      interactive: {
        type: 'nfm_reply',
        nfm_reply: { name: 'flow', body: 'Sent', response_json: JSON.stringify(responseJson) },
      },
    }),
  templateButton: (o: MessageOptions, text: string, payload: string) =>
    message(o, 'button', { button: { payload, text } }),
  /** Without `emoji` the customer removed their reaction. */
  reaction: (o: MessageOptions, targetWamid: string, emoji?: string) =>
    message(o, 'reaction', { reaction: { message_id: targetWamid, ...(emoji ? { emoji } : {}) } }),
  unsupported: (o: MessageOptions) =>
    message(o, 'unsupported', {
      errors: [
        {
          code: 131051,
          title: 'Message type unknown',
          message: 'Message type unknown',
          error_data: { details: 'Message type is currently not supported.' },
        },
      ],
    }),
};

export interface StatusOptions {
  /** wamid of OUR outbound message. */
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed' | 'deleted';
  recipientId: string;
  timestamp?: number;
  error?: { code: number; title: string; message?: string; details?: string };
}

export function metaStatus(options: StatusOptions): Json {
  return {
    id: options.id,
    status: options.status,
    timestamp: String(options.timestamp ?? unixNow()),
    recipient_id: options.recipientId,
    ...(options.status === 'failed' && options.error
      ? {
          errors: [
            {
              code: options.error.code,
              title: options.error.title,
              message: options.error.message ?? options.error.title,
              error_data: { details: options.error.details ?? options.error.title },
              href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
            },
          ],
        }
      : {}),
  };
}

/** One `changes[].value` for a business number: incoming messages and/or statuses. */
export function metaChange(
  number: MetaBusinessNumber,
  parts: { sender?: MetaSender; messages?: Json[]; statuses?: Json[] },
): { wabaId: string; value: Json } {
  return {
    wabaId: number.wabaId ?? '102290129340398',
    value: {
      messaging_product: 'whatsapp',
      metadata: {
        display_phone_number: number.displayPhoneNumber ?? '15550783881',
        phone_number_id: number.phoneNumberId,
      },
      ...(parts.sender
        ? {
            contacts: [
              { profile: { name: parts.sender.name ?? 'Sheena Nelson' }, wa_id: parts.sender.waId },
            ],
          }
        : {}),
      ...(parts.messages ? { messages: parts.messages } : {}),
      ...(parts.statuses ? { statuses: parts.statuses } : {}),
    },
  };
}

/** Several changes in one delivery, as Meta batches them (one entry per WABA). */
export function metaBatchWebhook(...changes: { wabaId: string; value: Json }[]): Json {
  const byWaba = new Map<string, Json[]>();
  for (const change of changes) {
    byWaba.set(change.wabaId, [
      ...(byWaba.get(change.wabaId) ?? []),
      { value: change.value, field: 'messages' },
    ]);
  }
  return {
    object: 'whatsapp_business_account',
    entry: [...byWaba].map(([id, list]) => ({ id, changes: list })),
  };
}

export function metaMessagesWebhook(
  number: MetaBusinessNumber,
  sender: MetaSender,
  ...messages: Json[]
): Json {
  return metaBatchWebhook(metaChange(number, { sender, messages }));
}

export function metaStatusesWebhook(number: MetaBusinessNumber, ...statuses: Json[]): Json {
  return metaBatchWebhook(metaChange(number, { statuses }));
}

/** `X-Hub-Signature-256` for a body: HMAC-SHA256 under the app secret, hex, `sha256=` prefix. */
export function signMetaWebhook(rawBody: string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}
