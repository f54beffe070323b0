import { Module } from '@nestjs/common';
import { InboxModule } from '@core/inbox/inbox.module';
import { MessagingModule } from '@app/messaging/messaging.module';
import { TikTokAuthApi } from './accounts/tiktok-auth.api';
import { TikTokOAuthService } from './accounts/tiktok-oauth.service';
import { TikTokTokenKeeper } from './accounts/tiktok-token-keeper.task';
import { TikTokTokens } from './accounts/tiktok-tokens';
import { TikTokBusinessClient } from './api/tiktok-business.client';
import { TikTokCommentThreads } from './comments/tiktok-comment-threads.service';
import { TikTokCommentsController } from './comments/tiktok-comments.controller';
import { TikTokCommentsRepository } from './comments/tiktok-comments.repository';
import { TikTokCommentsService } from './comments/tiktok-comments.service';
import { TikTokController } from './http/tiktok.controller';
import { TikTokOperationsService } from './http/tiktok-operations.service';
import { TikTokWebhookRegistrar } from './http/tiktok-webhook-registration';
import { TikTokConversationsRepository } from './inbound/tiktok-conversations.repository';
import { TikTokInboundHandler } from './inbound/tiktok-inbound.handler';
import { TikTokWebhookController } from './inbound/tiktok-webhook.controller';
import { TikTokReplyReservations } from './rules/tiktok-reply-reservations';
import { TikTokReplyWindowRule } from './rules/tiktok-reply-window.rule';
import { TikTokMedia } from './send/tiktok-media';
import { TikTokProvider } from './send/tiktok.provider';
import { TikTokDataContributor } from './privacy/tiktok-data.contributor';

const transport = [TikTokBusinessClient, TikTokAuthApi];
const channelProviders = [TikTokProvider];
const httpControllers = [TikTokController, TikTokCommentsController, TikTokWebhookController];
const services = [
  TikTokOAuthService,
  TikTokTokens,
  TikTokMedia,
  TikTokOperationsService,
  TikTokWebhookRegistrar,
  TikTokCommentsService,
  TikTokCommentThreads,
];
const repositories = [
  TikTokDataContributor,
  TikTokConversationsRepository,
  TikTokCommentsRepository,
  TikTokReplyReservations,
];
const inboundHandlers = [TikTokInboundHandler];
const outboundRules = [TikTokReplyWindowRule];
const periodicTasks = [TikTokTokenKeeper];

/**
 * TikTok direct messages through TikTok's official Business Messaging API (never browser
 * sessions): OAuth connect, `/webhooks/tiktok`, the provider, the reply-window rule, and the
 * comments of the account's videos (comment threads received by webhook; list, reply, hide,
 * delete). Found
 * by the ChannelRegistry, the inbox and the outbound rules through their decorators; exports
 * nothing and nobody imports it.
 */
@Module({
  imports: [MessagingModule, InboxModule],
  controllers: httpControllers,
  providers: [
    ...transport,
    ...channelProviders,
    ...services,
    ...repositories,
    ...inboundHandlers,
    ...outboundRules,
    ...periodicTasks,
  ],
})
export class TikTokModule {}
