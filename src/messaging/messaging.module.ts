import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChannelAccountsService } from './channel-accounts/channel-accounts.service';
import { ContactsService } from './contacts/contacts.service';
import { ConversationsService } from './conversations/conversations.service';
import { ChannelAccountEntity } from './entities/channel-account.entity';
import { ContactIdentityEntity } from './entities/contact-identity.entity';
import { ContactEntity } from './entities/contact.entity';
import { ConversationEntity } from './entities/conversation.entity';
import { MessageEntity } from './entities/message.entity';
import { InboundPipeline } from './inbound/inbound-pipeline';
import { MessagesRepository } from './messages/messages.repository';

const entities = [
  ChannelAccountEntity,
  ContactEntity,
  ContactIdentityEntity,
  ConversationEntity,
  MessageEntity,
];
const repositories = [MessagesRepository];
const services = [ChannelAccountsService, ContactsService, ConversationsService, InboundPipeline];

/**
 * The channel-agnostic messaging core. Platform modules import it and use its exported
 * services; it knows no platform (enforced by .dependency-cruiser.js).
 */
@Module({
  imports: [TypeOrmModule.forFeature(entities)],
  providers: [...repositories, ...services],
  exports: [
    ChannelAccountsService,
    ContactsService,
    ConversationsService,
    InboundPipeline,
    MessagesRepository,
  ],
})
export class MessagingModule {}
