import { Injectable, Logger } from '@nestjs/common';
import type { Page } from '@core/api/pagination';
import { NotFoundError } from '@core/errors/domain-error';
import { PlatformError } from '@core/errors/platform-error';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import type { TikTokAccount } from '@app/tiktok/api/tiktok.credentials';
import type { TikTokCommentNews } from '@app/tiktok/inbound/tiktok-comment-webhook.parser';
import {
  CommentRecord,
  CommentThread,
  StoredComment,
  TikTokCommentsRepository,
} from './tiktok-comments.repository';
import { TikTokCommentsService } from './tiktok-comments.service';

const VISIBILITY_OF = {
  delete: 'deleted',
  set_to_hidden: 'hidden',
  set_to_public: 'public',
} as const;

/**
 * Comments as their own kind of conversation: one thread per video of the account, fed by
 * TikTok's comment webhook (and by our own replies, hides and deletes), listed newest first.
 * A new comment's notification carries no text, so the comment is read from TikTok once.
 */
@Injectable()
export class TikTokCommentThreads {
  private readonly logger = new Logger(TikTokCommentThreads.name);

  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly stored: TikTokCommentsRepository,
    private readonly live: TikTokCommentsService,
  ) {}

  /** Applies one comment notification for the account; idempotent (redeliveries change nothing). */
  async apply(account: TikTokAccount, news: TikTokCommentNews): Promise<void> {
    const record: CommentRecord = {
      commentId: news.commentId,
      videoId: news.videoId,
      parentCommentId: news.parentCommentId,
      authorUserId: news.authorUserId,
      authorUsername: news.authorUsername,
      text: news.text,
      commentedAt: news.at,
    };
    if (news.action !== 'insert') {
      await this.stored.record(account.id, { ...record, visibility: VISIBILITY_OF[news.action] });
      return;
    }
    const current = news.text === undefined ? await this.readFromTikTok(account, news) : undefined;
    await this.stored.record(account.id, {
      ...record,
      parentCommentId: record.parentCommentId ?? current?.parentCommentId,
      authorUserId: record.authorUserId ?? current?.userId,
      authorUsername: record.authorUsername ?? current?.username,
      text: record.text ?? current?.text,
      own: current?.own ?? false,
      ...(current?.hidden ? { visibility: 'hidden' as const } : {}),
    });
  }

  async threads(
    tenantId: string,
    accountIdOrName: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<CommentThread>> {
    const account = await this.find(tenantId, accountIdOrName);
    return this.stored.threads(account.id, page.limit, page.cursor);
  }

  async comments(
    tenantId: string,
    accountIdOrName: string,
    videoId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<StoredComment>> {
    const account = await this.find(tenantId, accountIdOrName);
    return this.stored.comments(account.id, videoId, page.limit, page.cursor);
  }

  /**
   * The comment as TikTok lists it. A failure worth retrying is thrown (the inbox retries the
   * delivery); a refusal (token revoked, comment gone) stores the comment without its text.
   */
  private async readFromTikTok(account: TikTokAccount, news: TikTokCommentNews) {
    try {
      return await this.live.lookup(account, news.videoId, news.commentId);
    } catch (error) {
      if (!(error instanceof PlatformError) || error.retryable) throw error;
      this.logger.warn(
        { accountId: account.id, code: error.code },
        'TikTok comment stored without its text: TikTok refused to list it',
      );
      return undefined;
    }
  }

  /** The tenant's TikTok account (no secret opened: only stored threads are read). */
  private async find(tenantId: string, idOrName: string): Promise<{ id: string }> {
    const account = await this.accounts.get(tenantId, idOrName);
    if (account.hub !== 'tiktok') throw new NotFoundError('Channel account');
    return account;
  }
}
