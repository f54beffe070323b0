import { Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging/messaging.module';
import { MetaWebhooksModule } from '@app/meta/webhooks/meta-webhooks.module';
import { instagramGraphClients } from './graph/instagram-graph';
import { InstagramOwnership } from './graph/instagram-ownership';
import { InstagramProvider } from './graph/instagram.provider';
import { InstagramController } from './http/instagram.controller';
import { InstagramOperationsService } from './http/instagram-operations.service';
import { InstagramCdnClient } from './media/instagram-cdn.client';
import { InstagramMediaService } from './media/instagram-media.service';
import { InstagramInboundHandler } from './inbound/instagram-inbound.handler';
import { InstagramProfileClient } from './profiles/instagram-profile.client';
import { InstagramProfileEnricher } from './profiles/instagram-profile.enricher';
import { InstagramProfileLookupsRepository } from './profiles/instagram-profile-lookups.repository';
import { InstagramProfileRetryTask } from './profiles/instagram-profile-retry.task';
import { InstagramWindowRule } from './rules/instagram-window.rule';
import { InstagramHealthIndicator } from './instagram.health-indicator';

const transport = [...instagramGraphClients, InstagramCdnClient];
const channelProviders = [InstagramOwnership, InstagramProvider];
const httpControllers = [InstagramController];
const services = [InstagramOperationsService, InstagramMediaService];
const inboundHandlers = [InstagramInboundHandler];
const outboundRules = [InstagramWindowRule];
const healthIndicators = [InstagramHealthIndicator];
const contactProfiles = [
  InstagramProfileClient,
  InstagramProfileLookupsRepository,
  InstagramProfileEnricher,
  InstagramProfileRetryTask,
];

/**
 * Instagram Direct: the provider (both of Meta's roads, see INSTAGRAM_FLAVOURS), its webhook
 * handler on meta/'s `/webhooks/meta`, the messaging window rule, the frontend's routes and
 * contacts' profile enrichment (a messaging event subscriber).
 * Found by the ChannelRegistry, the inbox and the outbound rules through their decorators;
 * exports nothing and nobody imports it.
 */
@Module({
  imports: [MessagingModule, MetaWebhooksModule],
  controllers: httpControllers,
  providers: [
    ...transport,
    ...channelProviders,
    ...services,
    ...inboundHandlers,
    ...outboundRules,
    ...healthIndicators,
    ...contactProfiles,
  ],
})
export class InstagramModule {}
