import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError } from '@core/errors/domain-error';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { TikTokTokens } from '@app/tiktok/accounts/tiktok-tokens';
import { TikTokBusinessClient } from '@app/tiktok/api/tiktok-business.client';
import type { TikTokAccount, TikTokCredentials } from '@app/tiktok/api/tiktok.credentials';
import { TIKTOK_LIMITS } from '@app/tiktok/rules/tiktok-messaging.rules';
import { TikTokCommentsRepository } from './tiktok-comments.repository';

/** A comment as `business/comment/list/` returns it (CONTRACT.md, "Comments"). */
interface CommentAnswer {
  comment_id?: string;
  video_id?: string;
  parent_comment_id?: string;
  text?: string;
  create_time?: string | number;
  owner?: boolean;
  status?: string;
  user_id?: string;
  username?: string;
  display_name?: string;
}

export interface TikTokComment {
  commentId: string;
  videoId: string;
  parentCommentId?: string;
  text?: string;
  createdAt?: Date;
  /** Written by the business account itself (only those can be deleted). */
  own: boolean;
  hidden: boolean;
  userId?: string;
  username?: string;
  displayName?: string;
}

export interface TikTokCommentPage {
  items: TikTokComment[];
  /** Pass back as `cursor` for the next page; absent on the last one. */
  nextCursor?: string;
}

/**
 * Comments on the business account's own videos, through TikTok's comment endpoints with the
 * account's token: list (with replies), reply (text limits checked before anything is sent),
 * hide or show, and delete (TikTok deletes only the account's own comments). What TikTok
 * accepted is kept in step in the account's comment threads (TikTokCommentsRepository).
 */
@Injectable()
export class TikTokCommentsService {
  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly tokens: TikTokTokens,
    private readonly client: TikTokBusinessClient,
    private readonly stored: TikTokCommentsRepository,
  ) {}

  async list(
    tenantId: string,
    accountIdOrName: string,
    videoId: string,
    page: { cursor?: string; limit: number },
  ): Promise<TikTokCommentPage> {
    const { account, accessToken } = await this.open(tenantId, accountIdOrName);
    const data = await this.fetchPage(account, accessToken, videoId, page);
    return {
      items: (data.comments ?? []).flatMap((comment) => commentOf(comment, videoId)),
      ...(data.has_more && data.cursor !== undefined ? { nextCursor: String(data.cursor) } : {}),
    };
  }

  /**
   * One comment as TikTok has it now (a notification names it without its text), or undefined
   * when TikTok no longer lists it. Asked by id (`comment_ids`) and matched by id, so a TikTok
   * that ignores the filter and answers the newest page still gives the right comment.
   */
  async lookup(
    account: TikTokAccount,
    videoId: string,
    commentId: string,
  ): Promise<TikTokComment | undefined> {
    const accessToken = await this.tokens.accessTokenFor(account);
    const data = await this.fetchPage(account, accessToken, videoId, {
      limit: 30,
      commentIds: [commentId],
    });
    const found = (data.comments ?? []).find((comment) => comment.comment_id === commentId);
    return found ? commentOf(found, videoId)[0] : undefined;
  }

  async reply(
    tenantId: string,
    accountIdOrName: string,
    target: { videoId: string; commentId: string },
    text: string,
  ): Promise<{ commentId: string }> {
    const length = [...text.trim()].length;
    if (length === 0 || length > TIKTOK_LIMITS.commentReplyCharacters) {
      throw new ValidationFailedError([
        {
          field: 'text',
          message: `a TikTok comment reply holds 1 to ${TIKTOK_LIMITS.commentReplyCharacters} characters`,
        },
      ]);
    }
    const { account, accessToken } = await this.open(tenantId, accountIdOrName);
    const data = await this.client.call<{ comment_id?: string }>({
      operation: 'reply_comment',
      method: 'POST',
      path: 'business/comment/reply/create/',
      accessToken,
      json: {
        business_id: account.externalId,
        video_id: target.videoId,
        comment_id: target.commentId,
        text,
      },
      // A public reply must not be posted twice.
      atMostOnce: true,
    });
    const commentId = data.comment_id ?? '';
    if (commentId) {
      await this.stored.record(account.id, {
        commentId,
        videoId: target.videoId,
        parentCommentId: target.commentId,
        text,
        own: true,
        commentedAt: new Date(),
      });
    }
    return { commentId };
  }

  async setHidden(
    tenantId: string,
    accountIdOrName: string,
    target: { videoId: string; commentId: string },
    hidden: boolean,
  ): Promise<void> {
    const { account, accessToken } = await this.open(tenantId, accountIdOrName);
    await this.client.call({
      operation: 'hide_comment',
      method: 'POST',
      path: 'business/comment/hide/',
      accessToken,
      json: {
        business_id: account.externalId,
        video_id: target.videoId,
        comment_id: target.commentId,
        action: hidden ? 'HIDE' : 'UNHIDE',
      },
    });
    await this.stored.setVisibility(account.id, target.commentId, hidden ? 'hidden' : 'public');
  }

  async delete(tenantId: string, accountIdOrName: string, commentId: string): Promise<void> {
    const { account, accessToken } = await this.open(tenantId, accountIdOrName);
    await this.client.call({
      operation: 'delete_comment',
      method: 'POST',
      path: 'business/comment/delete/',
      accessToken,
      json: { business_id: account.externalId, comment_id: commentId },
    });
    await this.stored.setVisibility(account.id, commentId, 'deleted');
  }

  private fetchPage(
    account: TikTokAccount,
    accessToken: string,
    videoId: string,
    page: { cursor?: string; limit: number; commentIds?: string[] },
  ) {
    return this.client.call<{
      comments?: CommentAnswer[];
      cursor?: number | string;
      has_more?: boolean;
    }>({
      operation: 'list_comments',
      method: 'GET',
      path: 'business/comment/list/',
      accessToken,
      query: {
        business_id: account.externalId,
        video_id: videoId,
        ...(page.commentIds ? { comment_ids: JSON.stringify(page.commentIds) } : {}),
        include_replies: 'true',
        sort_field: 'create_time',
        sort_order: 'desc',
        max_count: page.limit,
        cursor: page.cursor,
      },
    });
  }

  private async open(
    tenantId: string,
    idOrName: string,
  ): Promise<{ account: TikTokAccount; accessToken: string }> {
    const account = await this.accounts.open<TikTokCredentials>(tenantId, idOrName);
    // Another hub's account is no TikTok account: the same 404 as an unknown one.
    if (account.hub !== 'tiktok') throw new NotFoundError('Channel account');
    return { account, accessToken: await this.tokens.accessTokenFor(account) };
  }
}

function commentOf(comment: CommentAnswer, videoId: string): TikTokComment[] {
  if (!comment.comment_id) return [];
  const seconds = Number(comment.create_time);
  return [
    {
      commentId: comment.comment_id,
      videoId: comment.video_id ?? videoId,
      ...(comment.parent_comment_id && comment.parent_comment_id !== comment.comment_id
        ? { parentCommentId: comment.parent_comment_id }
        : {}),
      ...(comment.text !== undefined ? { text: comment.text } : {}),
      ...(Number.isFinite(seconds) && seconds > 0 ? { createdAt: new Date(seconds * 1000) } : {}),
      own: comment.owner === true,
      hidden: comment.status === 'HIDDEN',
      ...(comment.user_id ? { userId: comment.user_id } : {}),
      ...(comment.username ? { username: comment.username } : {}),
      ...(comment.display_name ? { displayName: comment.display_name } : {}),
    },
  ];
}
