import { Module } from '@nestjs/common';
import { InboxModule } from '@core/inbox/inbox.module';
import { MessagingModule } from '@app/messaging/messaging.module';
import { BitrixLinesRepository } from './connector/bitrix-lines.repository';
import { BitrixLinesService } from './connector/bitrix-lines.service';
import { ConnectorSetup } from './connector/connector-setup';
import { BitrixChatsRepository } from './mirror/bitrix-chats.repository';
import { BitrixProcessor } from './mirror/bitrix.processor';
import { CrmContacts } from './mirror/crm-contacts';
import { MirrorFlusher } from './mirror/mirror.flusher';
import { MirrorItemsRepository } from './mirror/mirror-items.repository';
import { MirrorQueue } from './mirror/mirror.queue';
import { MirrorSubscriber } from './mirror/mirror.subscriber';
import { MirroredConversations } from './mirror/mirrored-conversations';
import { OutboundMirrorSubscriber } from './mirror/outbound-mirror.subscriber';
import { BitrixOAuthClient } from './portals/bitrix-oauth.client';
import { BitrixPortalsController } from './portals/bitrix-portals.controller';
import { BitrixPortalsRepository } from './portals/bitrix-portals.repository';
import { BitrixPortalsService } from './portals/bitrix-portals.service';
import { BitrixTenants } from './portals/bitrix-tenants';
import { PortalAudit } from './portals/portal-audit';
import { PortalCircuitOwner } from './portals/portal-circuit-owner';
import { PortalInstaller } from './portals/portal-installer';
import { PortalTokens } from './portals/portal-tokens';
import { PortalUrlPolicy } from './portals/portal-url-policy';
import { MirrorDeadLetters } from './mirror/mirror-dead-letters';
import { AgentMessagesRepository } from './replies/agent-messages.repository';
import { AgentReplies } from './replies/agent-replies';
import { ChatNotes } from './replies/chat-notes';
import { StatusReporter } from './replies/status-reporter';
import { BitrixRestClient } from './rest/bitrix-rest.client';
import { BitrixInboundHandler } from './webhooks/bitrix-inbound.handler';
import { BitrixWebhookAuthenticator } from './webhooks/bitrix-webhook.authenticator';
import { BitrixWebhookController } from './webhooks/bitrix-webhook.controller';
import { BitrixDataContributor } from './privacy/bitrix-data.contributor';

const httpControllers = [BitrixPortalsController, BitrixWebhookController];
const repositories = [
  BitrixDataContributor,
  BitrixPortalsRepository,
  BitrixLinesRepository,
  BitrixChatsRepository,
  MirrorItemsRepository,
  AgentMessagesRepository,
  BitrixTenants,
];
const platformClients = [BitrixOAuthClient, BitrixRestClient, PortalTokens];
const services = [
  BitrixPortalsService,
  PortalAudit,
  PortalCircuitOwner,
  PortalUrlPolicy,
  PortalInstaller,
  ConnectorSetup,
  BitrixLinesService,
  CrmContacts,
  MirrorFlusher,
  MirrorQueue,
  MirrorDeadLetters,
  AgentReplies,
  ChatNotes,
];
const webhooks = [BitrixWebhookAuthenticator, BitrixInboundHandler];
const streamSubscribers = [MirrorSubscriber, OutboundMirrorSubscriber, StatusReporter];

const processors = [BitrixProcessor];

/**
 * Bitrix24: portals and their OAuth tokens, the Open Lines connector, and the two-way chat
 * between any messaging channel and an open line. A plug-in (nothing imports it but
 * app.module): it hears customers on the messaging event stream and answers through
 * messaging's dispatcher, never through a platform module.
 */
@Module({
  imports: [MessagingModule, InboxModule],
  controllers: httpControllers,
  providers: [
    ...repositories,
    ...platformClients,
    ...services,
    ...webhooks,
    ...streamSubscribers,
    MirroredConversations,
    ...processors,
  ],
})
export class BitrixModule {}
