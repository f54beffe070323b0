import { Injectable, Logger } from '@nestjs/common';
import {
  InboundEventHandler,
  InboundEventRecord,
  InboundHandler,
} from '@core/inbox/inbound-event-handler';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { InboundPipeline } from '@app/messaging/inbound/inbound-pipeline';
import {
  StatusesNotYetMatchedError,
  UNMATCHED_STATUS_RETRIES,
} from '@app/messaging/inbound/unmatched-statuses';
import type { TikTokCredentials } from '@app/tiktok/api/tiktok.credentials';
import { TikTokCommentThreads } from '@app/tiktok/comments/tiktok-comment-threads.service';
import { TIKTOK_PROVIDER } from '@app/tiktok/send/tiktok.provider';
import { TikTokConversationsRepository } from './tiktok-conversations.repository';
import { parseTikTokWebhook } from './tiktok-webhook.parser';

export const TIKTOK_INBOX_SOURCE = 'tiktok';

/**
 * A stored TikTok delivery → messages, read statuses or comment news, routed by `user_openid` to the
 * account it names. Idempotent: messages are stored once per TikTok message id, an echo of our
 * own send settles that send (no second message), statuses move forward only.
 */
@Injectable()
@InboundHandler()
export class TikTokInboundHandler implements InboundEventHandler {
  readonly source = TIKTOK_INBOX_SOURCE;
  private readonly logger = new Logger(TikTokInboundHandler.name);

  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly pipeline: InboundPipeline,
    private readonly conversations: TikTokConversationsRepository,
    private readonly commentThreads: TikTokCommentThreads,
  ) {}

  async handle(record: InboundEventRecord): Promise<void> {
    const event = parseTikTokWebhook(record.payload);
    if (event.kind === 'ignored') {
      this.logger.warn({ inboxId: record.id, reason: event.reason }, 'TikTok delivery skipped');
      return;
    }
    const account = await this.accounts.openByExternalId<TikTokCredentials>(
      'tiktok',
      TIKTOK_PROVIDER,
      event.businessId,
    );
    if (!account) {
      this.logger.warn(
        { inboxId: record.id },
        'TikTok webhook for an account that is not connected; acknowledged and dropped',
      );
      return;
    }
    if (event.kind === 'comment') {
      await this.commentThreads.apply(account, event);
      return;
    }
    if (event.kind === 'message') {
      await this.conversations.remember(account.id, event.userId, event.conversationId);
      if (event.message.fromMe) {
        await this.conversations.recordSent(
          account.id,
          event.conversationId,
          event.message.providerMessageId,
          event.message.sentAt,
        );
      }
      await this.pipeline.ingest(account, [event.message]);
      return;
    }
    const ours = await this.conversations.sentUpTo(
      account.id,
      event.conversationId,
      event.readUpTo,
    );
    const summary = await this.pipeline.ingest(
      account,
      ours.map((providerMessageId) => ({
        kind: 'status' as const,
        accountExternalId: event.businessId,
        providerMessageId,
        status: 'read' as const,
        at: event.readUpTo,
      })),
    );
    if (summary.statusesUnmatched > 0 && record.attempts < UNMATCHED_STATUS_RETRIES) {
      throw new StatusesNotYetMatchedError(summary.statusesUnmatched);
    }
  }
}
