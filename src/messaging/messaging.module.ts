import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChannelAccountConnector } from './channel-accounts/channel-account.connector';
import { ChannelAccountLifecycle } from './channel-accounts/channel-account-lifecycle';
import { MessageChangesRepository } from './messages/message-changes.repository';
import { ContactMerge } from './contacts/contact-merge';
import { ContactsController } from './contacts/contacts.controller';
import { TenantsModule } from '@app/tenants/tenants.module';
import { ChannelAccountsController } from './channel-accounts/channel-accounts.controller';
import { ChannelAccountsQuery } from './channel-accounts/channel-accounts.query';
import { ChannelAccountsService } from './channel-accounts/channel-accounts.service';
import { ContactsService } from './contacts/contacts.service';
import { ConversationsService } from './conversations/conversations.service';
import { ChannelAccountEntity } from './entities/channel-account.entity';
import { ContactIdentityEntity } from './entities/contact-identity.entity';
import { ContactEntity } from './entities/contact.entity';
import { ConversationEntity } from './entities/conversation.entity';
import { MessageEntity } from './entities/message.entity';
import { ConversationsController } from './history/conversations.controller';
import { ConversationsQuery } from './history/conversations.query';
import { MessageHistoryQuery } from './history/message-history.query';
import { MessagesQueryController } from './history/messages-query.controller';
import { InboundPipeline } from './inbound/inbound-pipeline';
import { IngestByAccount } from './inbound/ingest-by-account';
import { MediaLinks } from './media/media-links';
import { SignedMedia } from './media/signed-media';
import { SignedMediaController } from './media/signed-media.controller';
import { MessageContentCodec } from './messages/encryption/message-content.codec';
import { MessageEncryptionController } from './messages/encryption/message-encryption.controller';
import { MessageEncryptionSettings } from './messages/encryption/message-encryption.settings';
import { MessageLookup } from './messages/message-lookup';
import { MessagesRepository } from './messages/messages.repository';
import { SendOutcomesRepository } from './messages/send-outcomes.repository';
import { MessagesController } from './outbound/messages.controller';
import { OutboundDispatcher } from './outbound/outbound.dispatcher';
import { OutboundProcessor } from './outbound/outbound.processor';
import { OutboundRules } from './outbound/outbound-rules';
import { OutboundSender } from './outbound/outbound-sender';
import { SendClaimant } from './outbound/send-claimant';
import { SendPacing } from './outbound/send-pacing';
import { OutboxSweeper } from './outbound/outbox.sweeper';
import { IdempotencyKeyRetention } from './outbound/idempotency/idempotency-key.retention';
import { IdempotencyKeysRepository } from './outbound/idempotency/idempotency-keys.repository';
import { OutboundIdempotency } from './outbound/idempotency/outbound-idempotency';
import { SendOutcomeController } from './outbound/send-outcome.controller';
import { FallbackPolicy } from './outbound/fallback-policy';
import { SendPurposes } from './outbound/send-purpose';
import { SendRecheck } from './outbound/send-recheck';
import { FailedSendsRedrive } from './operations/failed-sends.redrive';
import { AccountHealthQuery } from './operations/account-health.query';
import { FailedSendsQuery } from './operations/failed-sends.query';
import { MessageCountsQuery } from './operations/message-counts.query';
import { MessageOperationsController } from './operations/message-operations.controller';
import { outboundMetrics } from './outbound/outbound.metrics';
import { DeadLettersController } from './events/dead-letters.controller';
import { DomainEventsRepository } from './events/domain-events.repository';
import { EventDeadLetters } from './events/event-dead-letters';
import { DomainEventRecorder } from './events/domain-event-recorder';
import { EventDelivery } from './events/event-delivery';
import { EventDeliveryLoop } from './events/event-delivery.loop';
import { EventRetention } from './events/event-retention';
import { EventSubscribersRegistry } from './events/event-subscribers.registry';
import { ContactFinder } from './privacy/contact-finder';
import { MessageRetention } from './privacy/message-retention';
import { MessagingDataContributor } from './privacy/messaging-data.contributor';

const entities = [
  ChannelAccountEntity,
  ContactEntity,
  ContactIdentityEntity,
  ConversationEntity,
  MessageEntity,
];
const repositories = [
  MessagesRepository,
  MessageChangesRepository,
  IdempotencyKeysRepository,
  SendOutcomesRepository,
  DomainEventsRepository,
];
const messageEncryption = [MessageContentCodec, MessageEncryptionSettings];
const services = [
  ChannelAccountConnector,
  ChannelAccountLifecycle,
  ChannelAccountsService,
  ChannelAccountsQuery,
  ContactsService,
  ContactMerge,
  ConversationsService,
  InboundPipeline,
  IngestByAccount,
  MessageLookup,
  ConversationsQuery,
  MessageHistoryQuery,
  OutboundDispatcher,
  OutboundRules,
  OutboundSender,
  SendClaimant,
  SendPacing,
  OutboxSweeper,
  OutboundIdempotency,
  IdempotencyKeyRetention,
  FallbackPolicy,
  SendPurposes,
  SendRecheck,
  FailedSendsRedrive,
  MessageCountsQuery,
  AccountHealthQuery,
  FailedSendsQuery,
];
const media = [MediaLinks, SignedMedia];
const eventStream = [
  EventSubscribersRegistry,
  EventDelivery,
  EventDeliveryLoop,
  EventRetention,
  DomainEventRecorder,
  EventDeadLetters,
];
const privacy = [ContactFinder, MessageRetention, MessagingDataContributor];
const processors = [OutboundProcessor];
const metrics = [...outboundMetrics];
const httpControllers = [
  ChannelAccountsController,
  ContactsController,
  ConversationsController,
  MessagesQueryController,
  MessagesController,
  MessageOperationsController,
  SendOutcomeController,
  DeadLettersController,
  SignedMediaController,
  MessageEncryptionController,
];

/**
 * The channel-agnostic messaging core. Platform modules import it and use its exported
 * services, never its entities, repositories or tables; it knows no platform (enforced by
 * .dependency-cruiser.js and messaging-tables.boundary.spec.ts).
 */
@Module({
  imports: [TypeOrmModule.forFeature(entities), DiscoveryModule, TenantsModule],
  controllers: httpControllers,
  providers: [
    ...repositories,
    ...messageEncryption,
    ...services,
    ...media,
    ...eventStream,
    ...privacy,
    ...processors,
    ...metrics,
  ],
  exports: [
    ChannelAccountConnector,
    ChannelAccountsService,
    ChannelAccountsQuery,
    ContactsService,
    ConversationsService,
    InboundPipeline,
    IngestByAccount,
    MessageLookup,
    OutboundDispatcher,
    FailedSendsRedrive,
    MessageCountsQuery,
    ContactFinder,
    MessageRetention,
    AccountHealthQuery,
    FailedSendsQuery,
    SignedMedia,
    DomainEventRecorder,
    EventDeadLetters,
  ],
})
export class MessagingModule {}
