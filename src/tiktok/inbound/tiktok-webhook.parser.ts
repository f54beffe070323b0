import type { InboundContent, InboundMessageEvent } from '@app/messaging/inbound/normalized-event';
import { asNumber, asObject, asString } from '@app/messaging/inbound/webhook-payload.reader';
import { TIKTOK_USER_ID } from '@app/tiktok/rules/tiktok-messaging.rules';
import {
  TIKTOK_COMMENT_EVENT,
  TikTokCommentNews,
  parseCommentNews,
} from './tiktok-comment-webhook.parser';

/** The direct-message events TikTok sends under the DIRECT_MESSAGE subscription. */
export const TIKTOK_MESSAGE_EVENTS = ['im_receive_msg', 'im_send_msg', 'im_mark_read_msg'];

/** What one TikTok delivery means, before any account is looked up. */
export type TikTokWebhookEvent =
  | {
      kind: 'message';
      /** The business account (`user_openid`). */
      businessId: string;
      conversationId: string;
      /** The person on the other side, whichever way the message went. */
      userId: string;
      message: InboundMessageEvent;
    }
  | { kind: 'read'; businessId: string; conversationId: string; readUpTo: Date }
  | TikTokCommentNews
  | { kind: 'ignored'; reason: string };

/**
 * Reads one TikTok webhook: `{ event, user_openid, content, ... }` where `content` is a JSON
 * **string** (test/fakes/tiktok/CONTRACT.md). Parsed defensively: a field missing or of the
 * wrong type makes the delivery 'ignored' with a reason that quotes nothing of its contents.
 */
export function parseTikTokWebhook(payload: unknown): TikTokWebhookEvent {
  const envelope = asObject(payload);
  const event = asString(envelope?.event);
  const businessId = asString(envelope?.user_openid);
  if (!event || !businessId) return { kind: 'ignored', reason: 'no event or user_openid' };
  const known = TIKTOK_MESSAGE_EVENTS.includes(event) || event === TIKTOK_COMMENT_EVENT;
  if (!known) return { kind: 'ignored', reason: `event ${event.slice(0, 40)}` };
  const content = parseContent(envelope?.content);
  if (!content) return { kind: 'ignored', reason: 'content is not a JSON object' };
  if (event === TIKTOK_COMMENT_EVENT) {
    return parseCommentNews(businessId, content, envelope?.create_time);
  }
  const conversationId = asString(content.conversation_id);
  if (!conversationId) return { kind: 'ignored', reason: 'no conversation_id' };

  if (event === 'im_mark_read_msg') {
    const readUpTo = millisToDate(asObject(content.read)?.last_read_timestamp);
    // Only the person reading our messages is a receipt; the business reading theirs is not.
    const reader = asString(asObject(content.from_user)?.id);
    if (reader === businessId) return { kind: 'ignored', reason: 'read by the business' };
    return readUpTo
      ? { kind: 'read', businessId, conversationId, readUpTo }
      : { kind: 'ignored', reason: 'no read.last_read_timestamp' };
  }

  const messageId = asString(content.message_id);
  const sentAt = millisToDate(content.timestamp);
  const fromId = asString(asObject(content.from_user)?.id);
  const toId = asString(asObject(content.to_user)?.id);
  if (!messageId || !sentAt || !fromId || !toId) {
    return { kind: 'ignored', reason: 'message without id, timestamp or parties' };
  }
  // im_send_msg is the business's own message: ours, echoed, or typed in TikTok's app.
  const fromMe = fromId === businessId;
  const userId = fromMe ? toId : fromId;
  const name = asString(fromMe ? content.to : content.from);
  const reference = asString(asObject(content.referenced_message_info)?.referenced_message_id);
  return {
    kind: 'message',
    businessId,
    conversationId,
    userId,
    message: {
      kind: 'message',
      accountExternalId: businessId,
      providerMessageId: messageId,
      from: { address: userId, addressType: TIKTOK_USER_ID, ...(name ? { name } : {}) },
      sentAt,
      content: contentOf(content, { conversationId, messageId }),
      ...(reference ? { replyToProviderMessageId: reference } : {}),
      ...(fromMe ? { fromMe: true } : {}),
    },
  };
}

function parseContent(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'string') return asObject(value);
  try {
    return asObject(JSON.parse(value));
  } catch {
    return undefined;
  }
}

/** `locator`: what TikTok's media download asks besides the media id. */
function contentOf(
  content: Record<string, unknown>,
  locator: { conversationId: string; messageId: string },
): InboundContent {
  const type = asString(content.type) ?? 'unknown';
  if (type === 'text') {
    const body = asString(asObject(content.text)?.body);
    if (body !== undefined) return { type: 'text', text: body };
  }
  if (type === 'image') {
    const mediaId = asString(asObject(content.image)?.media_id);
    if (mediaId) return { type: 'image', media: { mediaId, locator } };
  }
  if (type === 'share_post') {
    const embedUrl = asString(asObject(content.share_post)?.embed_url);
    return {
      type: 'unsupported',
      platformType: 'share_post',
      ...(embedUrl ? { detail: embedUrl } : {}),
    };
  }
  return { type: 'unsupported', platformType: type.slice(0, 40) };
}

/** TikTok's message timestamps are unix milliseconds. */
function millisToDate(value: unknown): Date | undefined {
  const ms = asNumber(value);
  return ms === undefined || ms <= 0 ? undefined : new Date(ms);
}

/** The inbox id of a delivery: the message (or receipt) it carries, per business account. */
export function tiktokInboxIdOf(event: TikTokWebhookEvent): string | undefined {
  if (event.kind === 'message') {
    return `${event.businessId}:msg:${event.message.providerMessageId}`;
  }
  if (event.kind === 'read') {
    return `${event.businessId}:read:${event.conversationId}:${event.readUpTo.getTime()}`;
  }
  if (event.kind === 'comment') {
    // One notification per change of a comment: a redelivery repeats its id (or its action
    // and time), a later change of the same comment does not.
    const change = event.notificationId ?? `${event.action}:${event.at.getTime()}`;
    return `${event.businessId}:comment:${event.commentId}:${change}`;
  }
  return undefined;
}
