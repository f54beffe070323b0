import { randomBytes } from 'node:crypto';
import { signTikTokWebhook } from '@app/tiktok/inbound/tiktok-signature';

/**
 * TikTok Business Messaging webhooks as documented (CONTRACT.md): an envelope
 * `{ client_key, event, create_time, user_openid, content }` whose `content` is a JSON string.
 */
type Json = Record<string, unknown>;

export const newTikTokMessageId = (): string => `msg-${randomBytes(10).toString('hex')}`;

export function tiktokDelivery(
  event: string,
  businessId: string,
  content: Json,
  appId = 'tiktok-app-id',
): Json {
  return {
    client_key: appId,
    event,
    create_time: Math.floor(Date.now() / 1000),
    user_openid: businessId,
    content: JSON.stringify(content),
  };
}

export interface Party {
  id: string;
  name: string;
}

/** A person's message to the business (`im_receive_msg`), or the business's (`im_send_msg`). */
export function messageContent(
  from: Party,
  to: Party,
  conversationId: string,
  message: Json,
  at = Date.now(),
  messageId = newTikTokMessageId(),
): Json {
  return {
    conversation_id: conversationId,
    message_id: messageId,
    timestamp: at,
    from: from.name,
    from_user: { id: from.id },
    to: to.name,
    to_user: { id: to.id },
    ...message,
  };
}

export function readContent(reader: Party, conversationId: string, readUpTo: number): Json {
  return {
    conversation_id: conversationId,
    from_user: { id: reader.id },
    read: { last_read_timestamp: readUpTo },
  };
}

/** The Tiktok-Signature header of a body, now or at `timestamp` (unix seconds). */
export function tiktokSignature(
  rawBody: string,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  return signTikTokWebhook(rawBody, secret, timestamp);
}

/**
 * A comment notification (`comment.update`, CONTRACT.md "Comment webhook"): which comment of
 * which video, what happened to it (`insert`, `delete`, `set_to_hidden`, `set_to_public`) and
 * when. TikTok sends no text; the comment is read through `business/comment/list/`.
 */
export function commentContent(
  comment: { comment_id: string; video_id: string; parent_comment_id?: string },
  action: 'insert' | 'delete' | 'set_to_hidden' | 'set_to_public',
  at = Date.now(),
): Json {
  return {
    comment_id: comment.comment_id,
    video_id: comment.video_id,
    parent_comment_id: comment.parent_comment_id ?? comment.comment_id,
    comment_type: comment.parent_comment_id ? 'reply' : 'comment',
    comment_action: action,
    timestamp: at,
    unique_identifier: `${comment.comment_id}-${action}-${at}`,
  };
}
