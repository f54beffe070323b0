import {
  InboundContent,
  NormalizedEvent,
  StatusUpdateEvent,
  messagePartId,
} from '@app/messaging/inbound/normalized-event';
import {
  JsonObject,
  asArray,
  asNumber,
  asObject,
  asString,
  compact,
} from '@app/messaging/inbound/webhook-payload.reader';
import { IGSID } from '@app/instagram/rules/instagram-messaging.rules';

export interface ParsedInstagramWebhook {
  /** Every event carries the Instagram account id (entry[].id) it concerns. */
  events: NormalizedEvent[];
  /** What was left out and why, by JSON path; never quotes message contents. */
  skipped: string[];
}

const INSTAGRAM_OBJECT = 'instagram';
/** Attachment types stored as media (the rest, like share or story_mention, as unsupported). */
const MEDIA_ATTACHMENTS: Readonly<Record<string, 'image' | 'video' | 'audio' | 'document'>> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  file: 'document',
};

/**
 * Reads an Instagram messaging webhook (`object: instagram`, `entry[].messaging[]`, the same
 * for Instagram Login and the Page-linked API) into normalized events. Pure and total: a
 * malformed item is listed in `skipped` and its neighbours are still read.
 *
 * Meta's `timestamp` here is in milliseconds. An echo (`message.is_echo`) is a message the
 * business sent (from the Instagram app, or ours coming back): the person is its recipient.
 */
export function parseInstagramWebhook(body: unknown): ParsedInstagramWebhook {
  const result: ParsedInstagramWebhook = { events: [], skipped: [] };
  const root = asObject(body);
  if (root?.object !== INSTAGRAM_OBJECT) {
    result.skipped.push(`object '${String(root?.object)}' is not ${INSTAGRAM_OBJECT}`);
    return result;
  }
  asArray(root.entry).forEach((rawEntry, e) => {
    const entry = asObject(rawEntry);
    const accountId = asString(entry?.id);
    if (!entry || !accountId) {
      result.skipped.push(`entry[${e}]: id is missing`);
      return;
    }
    if (entry.changes !== undefined) {
      result.skipped.push(`entry[${e}]: changes (comments, mentions) are not handled`);
    }
    asArray(entry.messaging).forEach((raw, m) => {
      const path = `entry[${e}].messaging[${m}]`;
      const read = readMessaging(asObject(raw), accountId);
      if (typeof read === 'string') result.skipped.push(`${path}: ${read}`);
      else result.events.push(...read);
    });
  });
  return result;
}

function readMessaging(
  item: JsonObject | undefined,
  accountId: string,
): NormalizedEvent[] | string {
  if (!item) return 'not an object';
  const senderId = asString(asObject(item.sender)?.id);
  const recipientId = asString(asObject(item.recipient)?.id);
  const at = millisToDate(item.timestamp);
  if (!senderId || !recipientId) return 'sender.id or recipient.id is missing';
  if (!at) return 'timestamp is not unix milliseconds';
  const base = { accountId, senderId, recipientId, at };
  if (item.message !== undefined) return readMessage(asObject(item.message), base);
  if (item.postback !== undefined) return readPostback(asObject(item.postback), base);
  if (item.reaction !== undefined) return readReaction(asObject(item.reaction), base);
  if (item.read !== undefined) return readSeen(asObject(item.read), base);
  if (item.message_edit !== undefined) return readEdit(asObject(item.message_edit), base);
  return 'no message, postback, reaction or read';
}

/** `message_edit` (mid, the new text, num_edit): the stored message takes the new text. */
function readEdit(edit: JsonObject | undefined, base: Base): NormalizedEvent[] | string {
  const mid = asString(edit?.mid);
  if (!edit || !mid) return 'message_edit.mid is missing';
  if (typeof edit.text !== 'string') return 'message_edit.text is missing';
  const change = { type: 'edited' as const, text: edit.text };
  return [
    {
      kind: 'change',
      accountExternalId: base.accountId,
      providerMessageId: mid,
      change,
      at: base.at,
    },
  ];
}

interface Base {
  accountId: string;
  senderId: string;
  recipientId: string;
  at: Date;
}

function readMessage(message: JsonObject | undefined, base: Base): NormalizedEvent[] | string {
  const mid = asString(message?.mid);
  if (!message || !mid) return 'message.mid is missing';
  // An unsent message: its content is removed from the stored one.
  if (message.is_deleted === true) {
    const change = { type: 'deleted' as const };
    return [
      {
        kind: 'change',
        accountExternalId: base.accountId,
        providerMessageId: mid,
        change,
        at: base.at,
      },
    ];
  }
  const echo = message.is_echo === true;
  const common = compact({
    kind: 'message' as const,
    accountExternalId: base.accountId,
    // An echo's person is its recipient; otherwise the sender.
    from: { address: echo ? base.recipientId : base.senderId, addressType: IGSID },
    sentAt: base.at,
    replyToProviderMessageId: asString(asObject(message.reply_to)?.mid),
    fromMe: echo || undefined,
  });
  const attachments = asArray(message.attachments).map(asObject);
  if (attachments.length > 0) {
    // Several photos arrive as one message: the first keeps the mid, the others get `mid#n`.
    return attachments.map((attachment, i) => ({
      ...common,
      providerMessageId: messagePartId(mid, i),
      content: attachmentContent(attachment),
    }));
  }
  const text = typeof message.text === 'string' ? message.text : undefined;
  const quickReply = asString(asObject(message.quick_reply)?.payload);
  let content: InboundContent;
  if (quickReply !== undefined) {
    content = { type: 'button_reply', payload: quickReply, text: text ?? '' };
  } else if (text !== undefined) {
    content = { type: 'text', text };
  } else {
    content = {
      type: 'unsupported',
      platformType: 'instagram',
      detail: message.is_unsupported === true ? 'is_unsupported' : undefined,
    };
  }
  return [{ ...common, providerMessageId: mid, content }];
}

/** Media by the CDN URL Instagram sent (it expires: see the README on media); others by kind. */
function attachmentContent(attachment: JsonObject | undefined): InboundContent {
  const type = asString(attachment?.type) ?? 'unknown';
  const url = asString(asObject(attachment?.payload)?.url);
  const media = MEDIA_ATTACHMENTS[type];
  if (media && url) return { type: media, media: { mediaId: url } };
  // share, story_mention, reel, ig_reel, ig_story, unsupported_type...: kind only, no link.
  return { type: 'unsupported', platformType: `instagram.${type}` };
}

/** A tap on an icebreaker or a button: its title is what the person saw, the payload ours. */
function readPostback(postback: JsonObject | undefined, base: Base): NormalizedEvent[] | string {
  const mid = asString(postback?.mid);
  if (!postback || !mid) return 'postback.mid is missing';
  return [
    compact({
      kind: 'message' as const,
      accountExternalId: base.accountId,
      providerMessageId: mid,
      from: { address: base.senderId, addressType: IGSID },
      sentAt: base.at,
      content: compact({
        type: 'button_reply' as const,
        payload: asString(postback.payload),
        text: asString(postback.title) ?? '',
      }),
    }),
  ];
}

/**
 * A reaction has no id of its own: it is keyed by who reacted to which message when, so a
 * redelivery is the same message and a later change of mind a new one.
 */
function readReaction(reaction: JsonObject | undefined, base: Base): NormalizedEvent[] | string {
  const target = asString(reaction?.mid);
  if (!reaction || !target) return 'reaction.mid is missing';
  const unreact = asString(reaction.action) === 'unreact';
  return [
    {
      kind: 'message',
      accountExternalId: base.accountId,
      providerMessageId: `${target}:${unreact ? 'unreact' : 'react'}:${base.senderId}:${base.at.getTime()}`,
      from: { address: base.senderId, addressType: IGSID },
      sentAt: base.at,
      content: {
        type: 'reaction',
        targetProviderMessageId: target,
        emoji: unreact ? null : (asString(reaction.emoji) ?? asString(reaction.reaction) ?? null),
      },
    },
  ];
}

/** `messaging_seen`: the person read our message `read.mid` (and every earlier one). */
function readSeen(read: JsonObject | undefined, base: Base): NormalizedEvent[] | string {
  const mid = asString(read?.mid);
  if (!read || !mid) return 'read.mid is missing';
  const status: StatusUpdateEvent = {
    kind: 'status',
    accountExternalId: base.accountId,
    providerMessageId: mid,
    status: 'read',
    at: base.at,
    recipient: base.senderId,
  };
  return [status];
}

function millisToDate(value: unknown): Date | undefined {
  const millis = asNumber(value);
  return millis === undefined || millis <= 0 ? undefined : new Date(millis);
}
