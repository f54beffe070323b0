import { Body, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Page, PageQueryDto } from '@core/api/pagination';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { TenantId } from '@core/auth/auth.decorators';
import {
  HideTikTokCommentDto,
  ListTikTokCommentsQueryDto,
  ReplyToTikTokCommentDto,
} from './tiktok-comments.dto';
import { TikTokCommentThreads } from './tiktok-comment-threads.service';
import type { CommentThread, StoredComment } from './tiktok-comments.repository';
import { TikTokCommentPage, TikTokCommentsService } from './tiktok-comments.service';
import { TikTokIdPipe } from './tiktok-id.pipe';

/**
 * Comments on a TikTok account's own videos: the comment threads received by webhook (one per
 * video, stored), TikTok's live list, and reply, hide or show, delete.
 */
@ApiV2Controller('tiktok/accounts/:accountId', 'tiktok')
export class TikTokCommentsController {
  constructor(
    private readonly comments: TikTokCommentsService,
    private readonly threads: TikTokCommentThreads,
  ) {}

  @Get('comment-threads')
  @ApiOperation({
    summary: 'Comment threads: one per video with comments, most recent comment first',
    description: "Fed by TikTok's comment webhook and by replies, hides and deletes made here.",
  })
  @ApiOkResponse({
    schema: {
      example: {
        items: [
          {
            videoId: '7300000000000000777',
            comments: 12,
            lastCommentAt: '2031-07-13T10:11:12.000Z',
          },
        ],
        nextCursor: null,
      },
    },
  })
  @ApiProblems(400, 404)
  listThreads(
    @TenantId() tenantId: string,
    @Param('accountId') accountId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<CommentThread>> {
    return this.threads.threads(tenantId, accountId, query);
  }

  @Get('comment-threads/:videoId/comments')
  @ApiOperation({
    summary: "A comment thread's stored comments and replies, newest first",
    description: 'A deleted comment keeps its place with visibility "deleted" and no text.',
  })
  @ApiOkResponse({
    schema: {
      example: {
        items: [
          {
            commentId: '7300000000000000102',
            videoId: '7300000000000000777',
            parentCommentId: '7300000000000000101',
            authorUserId: null,
            authorUsername: null,
            text: 'Temos sim!',
            own: true,
            visibility: 'public',
            commentedAt: '2031-07-13T10:11:12.000Z',
          },
        ],
        nextCursor: 'WyIyMDMxLTA3LTEzVDEwOjExOjEyLjAwMFoiLCI3MzAwMDAwMDAwMDAwMDAwMTAyIl0',
      },
    },
  })
  @ApiProblems(400, 404)
  listThread(
    @TenantId() tenantId: string,
    @Param('accountId') accountId: string,
    @Param('videoId', TikTokIdPipe) videoId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<StoredComment>> {
    return this.threads.comments(tenantId, accountId, videoId, query);
  }

  @Get('videos/:videoId/comments')
  @ApiOperation({
    summary: "TikTok's live list of comments (and replies) on one of the account's videos",
  })
  @ApiProblems(400, 404, 422, 503)
  list(
    @TenantId() tenantId: string,
    @Param('accountId') accountId: string,
    @Param('videoId', TikTokIdPipe) videoId: string,
    @Query() query: ListTikTokCommentsQueryDto,
  ): Promise<TikTokCommentPage> {
    return this.comments.list(tenantId, accountId, videoId, query);
  }

  @Post('videos/:videoId/comments/:commentId/replies')
  @ApiOperation({
    summary: 'Reply publicly to a comment',
    description: 'At most 150 characters (400 before anything is sent).',
  })
  @ApiProblems(400, 404, 422, 503)
  reply(
    @TenantId() tenantId: string,
    @Param('accountId') accountId: string,
    @Param('videoId', TikTokIdPipe) videoId: string,
    @Param('commentId', TikTokIdPipe) commentId: string,
    @Body() body: ReplyToTikTokCommentDto,
  ): Promise<{ commentId: string }> {
    return this.comments.reply(tenantId, accountId, { videoId, commentId }, body.text);
  }

  @Post('videos/:videoId/comments/:commentId/visibility')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Hide a comment from the public, or show it again' })
  @ApiProblems(400, 404, 422, 503)
  async setHidden(
    @TenantId() tenantId: string,
    @Param('accountId') accountId: string,
    @Param('videoId', TikTokIdPipe) videoId: string,
    @Param('commentId', TikTokIdPipe) commentId: string,
    @Body() body: HideTikTokCommentDto,
  ): Promise<void> {
    await this.comments.setHidden(tenantId, accountId, { videoId, commentId }, body.hidden);
  }

  @Delete('comments/:commentId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Delete one of the account's own comments (TikTok allows no other)" })
  @ApiProblems(400, 404, 422, 503)
  async delete(
    @TenantId() tenantId: string,
    @Param('accountId') accountId: string,
    @Param('commentId', TikTokIdPipe) commentId: string,
  ): Promise<void> {
    await this.comments.delete(tenantId, accountId, commentId);
  }
}
