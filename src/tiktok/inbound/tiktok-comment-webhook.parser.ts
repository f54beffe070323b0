import { asNumber, asString } from '@app/messaging/inbound/webhook-payload.reader';

/**
 * TikTok's comment webhook for the account's own videos (subscription `event_type: COMMENT`):
 * `event: "comment.update"`, `content` (a JSON string) naming the comment, its video, its
 * parent for a reply, what happened to it and when (test/fakes/tiktok/CONTRACT.md "Comment
 * webhook": the field names are our reading of TikTok's portal, marked Assumed there).
 */
export const TIKTOK_COMMENT_EVENT = 'comment.update';

/** What happened to a comment, as `comment_action` names it. */
export const COMMENT_ACTIONS = ['insert', 'delete', 'set_to_hidden', 'set_to_public'] as const;
export type CommentAction = (typeof COMMENT_ACTIONS)[number];

export interface TikTokCommentNews {
  kind: 'comment';
  businessId: string;
  commentId: string;
  videoId: string;
  parentCommentId?: string;
  action: CommentAction;
  at: Date;
  /** TikTok's id of this notification, when it sends one. */
  notificationId?: string;
  /** Present only if TikTok includes them; otherwise read through `business/comment/list/`. */
  text?: string;
  authorUserId?: string;
  authorUsername?: string;
}

export type CommentParse = TikTokCommentNews | { kind: 'ignored'; reason: string };

/** Reads a comment notification's content defensively; nothing of its text is quoted. */
export function parseCommentNews(
  businessId: string,
  content: Record<string, unknown>,
  createTime: unknown,
): CommentParse {
  const commentId = idOf(content.comment_id);
  const videoId = idOf(content.video_id);
  const action = asString(content.comment_action)?.toLowerCase();
  if (!commentId || !videoId) return { kind: 'ignored', reason: 'comment without ids' };
  if (!COMMENT_ACTIONS.includes(action as CommentAction)) {
    return { kind: 'ignored', reason: `comment_action ${String(action).slice(0, 20)}` };
  }
  const at = instantOf(content.timestamp) ?? instantOf(createTime);
  if (!at) return { kind: 'ignored', reason: 'comment without a time' };
  const parent = idOf(content.parent_comment_id);
  const optional = {
    ...(parent && parent !== commentId ? { parentCommentId: parent } : {}),
    ...text('notificationId', idOf(content.unique_identifier)),
    ...text('text', asString(content.text)),
    ...text('authorUserId', idOf(content.user_id)),
    ...text('authorUsername', asString(content.username)),
  };
  return {
    kind: 'comment',
    businessId,
    commentId,
    videoId,
    action: action as CommentAction,
    at,
    ...optional,
  };
}

/** TikTok ids arrive as strings or (unsafely) as numbers; digits either way. */
function idOf(value: unknown): string | undefined {
  const id =
    typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : asString(value);
  return id && /^[\w.-]{1,64}$/.test(id) ? id : undefined;
}

/** Unix seconds or milliseconds, whichever TikTok sends. */
function instantOf(value: unknown): Date | undefined {
  const n = asNumber(value);
  if (n === undefined || n <= 0) return undefined;
  return new Date(n < 1e12 ? n * 1000 : n);
}

function text<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}
