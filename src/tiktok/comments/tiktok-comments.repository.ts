import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Page, decodeCursor, invalidCursor, toPage } from '@core/api/pagination';

export type CommentVisibility = 'public' | 'hidden' | 'deleted';

/** One comment or reply as TikTok told us of it (webhook, list, or our own reply). */
export interface CommentRecord {
  commentId: string;
  videoId: string;
  parentCommentId?: string;
  authorUserId?: string;
  authorUsername?: string;
  text?: string;
  own?: boolean;
  /** Absent: keep what is stored (a new comment is public). */
  visibility?: CommentVisibility;
  commentedAt: Date;
}

export interface CommentThread {
  videoId: string;
  comments: number;
  lastCommentAt: Date;
}

export interface StoredComment {
  commentId: string;
  videoId: string;
  parentCommentId: string | null;
  authorUserId: string | null;
  authorUsername: string | null;
  text: string | null;
  own: boolean;
  visibility: CommentVisibility;
  commentedAt: Date;
}

interface ThreadRow {
  video_id: string;
  comments: number;
  last_comment_at: Date;
}

interface CommentRow {
  comment_id: string;
  video_id: string;
  parent_comment_id: string | null;
  author_user_id: string | null;
  author_username: string | null;
  text: string | null;
  own: boolean;
  visibility: CommentVisibility;
  commented_at: Date;
}

/**
 * TikTok comment threads (one per video of the account) and their comments (migration
 * 1795402000000). Every call names the channel account, which the caller resolved within its
 * tenant, so nothing of another tenant is reachable.
 */
@Injectable()
export class TikTokCommentsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Stores a comment once however often TikTok tells of it: later news fills in what was
   * missing (text, author) and moves the visibility; a deleted comment stays deleted.
   * Returns whether the comment was new.
   */
  async record(accountId: string, comment: CommentRecord): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO tiktok_comment_threads (channel_account_id, video_id, comments, last_comment_at)
         VALUES ($1, $2, 0, $3) ON CONFLICT (channel_account_id, video_id) DO NOTHING`,
        [accountId, comment.videoId, comment.commentedAt],
      );
      const rows: { inserted: boolean }[] = await tx.query(
        `INSERT INTO tiktok_comments AS c (channel_account_id, comment_id, video_id,
            parent_comment_id, author_user_id, author_username, text, own, visibility,
            commented_at)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $8 = 'deleted' THEN NULL ELSE $7 END,
                 $9, $8, $10)
         ON CONFLICT (channel_account_id, comment_id) DO UPDATE SET
           parent_comment_id = COALESCE(c.parent_comment_id, EXCLUDED.parent_comment_id),
           author_user_id = COALESCE(c.author_user_id, EXCLUDED.author_user_id),
           author_username = COALESCE(c.author_username, EXCLUDED.author_username),
           text = CASE WHEN c.visibility = 'deleted' OR $11::text = 'deleted' THEN NULL
                       ELSE COALESCE(EXCLUDED.text, c.text) END,
           own = c.own OR EXCLUDED.own,
           visibility = CASE WHEN c.visibility = 'deleted' THEN 'deleted'
                             ELSE COALESCE($11::text, c.visibility) END,
           updated_at = now()
         RETURNING (xmax = 0) AS inserted`,
        [
          accountId,
          comment.commentId,
          comment.videoId,
          comment.parentCommentId ?? null,
          comment.authorUserId ?? null,
          comment.authorUsername ?? null,
          comment.text ?? null,
          comment.visibility ?? 'public',
          comment.own ?? false,
          comment.commentedAt,
          comment.visibility ?? null,
        ],
      );
      const inserted = rows[0]?.inserted === true;
      if (inserted) {
        await tx.query(
          `UPDATE tiktok_comment_threads
              SET comments = comments + 1, last_comment_at = GREATEST(last_comment_at, $3)
            WHERE channel_account_id = $1 AND video_id = $2`,
          [accountId, comment.videoId, comment.commentedAt],
        );
      }
      return inserted;
    });
  }

  /** Moves a stored comment's visibility; false when no such comment is stored. */
  async setVisibility(
    accountId: string,
    commentId: string,
    visibility: CommentVisibility,
  ): Promise<boolean> {
    const [, count]: [unknown, number] = await this.db.query(
      `UPDATE tiktok_comments
          SET visibility = $3, updated_at = now(),
              text = CASE WHEN $3 = 'deleted' THEN NULL ELSE text END
        WHERE channel_account_id = $1 AND comment_id = $2 AND visibility <> 'deleted'`,
      [accountId, commentId, visibility],
    );
    return count > 0;
  }

  /** The account's comment threads, the most recently commented video first. */
  async threads(accountId: string, limit: number, cursor?: string): Promise<Page<CommentThread>> {
    const after = keyOf(cursor);
    const rows: ThreadRow[] = await this.db.query(
      `SELECT video_id, comments, last_comment_at FROM tiktok_comment_threads
        WHERE channel_account_id = $1
          AND ($2::timestamptz IS NULL OR (last_comment_at, video_id) < ($2, $3))
        ORDER BY last_comment_at DESC, video_id DESC
        LIMIT $4`,
      [accountId, after?.at ?? null, after?.id ?? null, limit + 1],
    );
    return toPage(
      rows,
      limit,
      (row) => [row.last_comment_at.toISOString(), row.video_id],
      (row) => ({
        videoId: row.video_id,
        comments: row.comments,
        lastCommentAt: row.last_comment_at,
      }),
    );
  }

  /** One video's stored comments and replies, newest first. */
  async comments(
    accountId: string,
    videoId: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<StoredComment>> {
    const after = keyOf(cursor);
    const rows: CommentRow[] = await this.db.query(
      `SELECT comment_id, video_id, parent_comment_id, author_user_id, author_username, text,
              own, visibility, commented_at
         FROM tiktok_comments
        WHERE channel_account_id = $1 AND video_id = $2
          AND ($3::timestamptz IS NULL OR (commented_at, comment_id) < ($3, $4))
        ORDER BY commented_at DESC, comment_id DESC
        LIMIT $5`,
      [accountId, videoId, after?.at ?? null, after?.id ?? null, limit + 1],
    );
    return toPage(
      rows,
      limit,
      (row) => [row.commented_at.toISOString(), row.comment_id],
      (row) => ({
        commentId: row.comment_id,
        videoId: row.video_id,
        parentCommentId: row.parent_comment_id,
        authorUserId: row.author_user_id,
        authorUsername: row.author_username,
        text: row.text,
        own: row.own,
        visibility: row.visibility,
        commentedAt: row.commented_at,
      }),
    );
  }
}

function keyOf(cursor: string | undefined): { at: Date; id: string } | undefined {
  const values = decodeCursor(cursor, 2);
  if (!values) return undefined;
  const at = new Date(values[0]);
  if (Number.isNaN(at.getTime())) throw invalidCursor();
  return { at, id: values[1] };
}
