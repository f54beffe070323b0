import { Injectable } from '@nestjs/common';
import { ChannelRegistry } from '@core/channel/channel.registry';
import { PHONE_IDENTITY } from '@core/channel/messaging-rules';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import type { MessagingEvent } from '@app/messaging/events/messaging-event';
import { OnMessagingEvent } from '@app/messaging/events/on-messaging-event.decorator';
import { BitrixTenants } from '../portals/bitrix-tenants';
import { BitrixChatsRepository } from './bitrix-chats.repository';
import { MirrorItemsRepository } from './mirror-items.repository';
import { MirrorQueue } from './mirror.queue';
import { MirroredConversations } from './mirrored-conversations';

/**
 * Customer → Bitrix24: each message a customer sends on an account that feeds an open line is
 * recorded for that portal (once, whatever the stream redelivers) and its portal's mirror job
 * scheduled. Nothing here calls Bitrix24, so a slow portal never holds up the event stream.
 */
@Injectable()
export class MirrorSubscriber {
  constructor(
    private readonly mirrored: MirroredConversations,
    private readonly tenants: BitrixTenants,
    private readonly accounts: ChannelAccountsService,
    private readonly contacts: ContactsService,
    private readonly registry: ChannelRegistry,
    private readonly chats: BitrixChatsRepository,
    private readonly items: MirrorItemsRepository,
    private readonly queue: MirrorQueue,
  ) {}

  @OnMessagingEvent({ subscriber: 'bitrix.mirror', types: ['message.received'] })
  async mirror(event: MessagingEvent): Promise<void> {
    const mirrored = await this.mirrored.of(event);
    if (!mirrored) return;
    const { tenantId, conversationId, messageId, contactId, lines } = mirrored;
    const accountId = mirrored.channelAccountId;
    let recipient: string | undefined;
    for (const line of lines) {
      const item = {
        tenantId,
        portalId: line.portalId,
        lineId: line.lineId,
        conversationId,
        messageId,
        change: 'send' as const,
        changeKey: 'send',
      };
      // A known chat takes the item in one statement; only a customer's first message on the
      // portal works out where replies go and records the chat.
      if (!(await this.items.addToKnownChat(item))) {
        recipient ??= await this.recipientOf(tenantId, accountId, contactId);
        if (!recipient) return;
        await this.chats.ensure({
          tenantId,
          portalId: line.portalId,
          conversationId,
          channelAccountId: accountId,
          contactId,
          recipient,
        });
        await this.items.add(item);
      }
      await this.queue.schedule(line.portalId);
    }
  }

  /**
   * A customer's edit or deletion follows their message to every line it was mirrored to
   * (Bitrix24's imconnector.update.messages / delete.messages), each edit once by its event id.
   */
  @OnMessagingEvent({
    subscriber: 'bitrix.mirror-changes',
    types: ['message.edited', 'message.deleted'],
  })
  async follow(event: MessagingEvent): Promise<void> {
    if (!event.messageId || !(await this.tenants.has(event.tenantId))) return;
    const edited = event.type === 'message.edited';
    for (const target of await this.items.mirroredTo(event.tenantId, event.messageId)) {
      await this.items.add({
        ...target,
        change: edited ? 'edit' : 'delete',
        changeKey: edited ? `edit:${event.id}` : 'delete',
      });
      await this.queue.schedule(target.portalId);
    }
  }

  /** The customer's address on this account's channel (its own kind first, else the phone). */
  private async recipientOf(
    tenantId: string,
    accountId: string,
    contactId: string,
  ): Promise<string | undefined> {
    const account = await this.accounts.get(tenantId, accountId);
    const kinds = this.registry.messaging(account.hub, account.provider).rules.identityKinds;
    const identities = await this.contacts.identitiesOf(tenantId, contactId);
    const own = identities.find((i) => i.type !== PHONE_IDENTITY && kinds.includes(i.type));
    return (own ?? identities.find((i) => i.type === PHONE_IDENTITY))?.value;
  }
}
