import { Injectable } from '@nestjs/common';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import type { MessagingEvent } from '@app/messaging/events/messaging-event';
import { OnMessagingEvent } from '@app/messaging/events/on-messaging-event.decorator';
import { MessageLookup } from '@app/messaging/messages/message-lookup';
import { isAgentReplyKey } from '../replies/agent-reply-key';
import { BitrixChatsRepository } from './bitrix-chats.repository';
import { MirrorItemsRepository } from './mirror-items.repository';
import { MirrorQueue } from './mirror.queue';
import { MirroredConversations } from './mirrored-conversations';

/**
 * Business → Bitrix24: what the business sent to a customer outside the open line (through
 * POST /api/v2/messages, a reminder, or its own phone) is copied into the customer's chat as
 * a system message once it was sent, so agents see the whole thread. The agents' own replies
 * are already there and are left out. Recorded like the customer's messages (once per
 * portal, whatever the stream redelivers) and posted by the same flush.
 */
@Injectable()
export class OutboundMirrorSubscriber {
  constructor(
    private readonly mirrored: MirroredConversations,
    private readonly accounts: ChannelAccountsService,
    private readonly messages: MessageLookup,
    private readonly chats: BitrixChatsRepository,
    private readonly items: MirrorItemsRepository,
    private readonly queue: MirrorQueue,
  ) {}

  @OnMessagingEvent({ subscriber: 'bitrix.mirror-outbound', types: ['message.sent'] })
  async mirror(event: MessagingEvent): Promise<void> {
    const mirrored = await this.mirrored.of(event);
    if (!mirrored) return;
    const { tenantId, conversationId, messageId, channelAccountId, lines } = mirrored;
    const account = await this.accounts.get(tenantId, channelAccountId);
    const message = await this.messages.find(tenantId, messageId, account.provider);
    if (message?.direction !== 'outbound' || isAgentReplyKey(message.idempotencyKey)) return;
    for (const line of lines) {
      // Bitrix24 opens a chat only for a customer's message: before one, there is none to show it in.
      if (!(await this.chats.find(line.portalId, conversationId))) continue;
      await this.items.add({
        tenantId,
        portalId: line.portalId,
        lineId: line.lineId,
        conversationId,
        messageId,
        change: 'outbound',
        changeKey: 'outbound',
      });
      await this.queue.schedule(line.portalId);
    }
  }
}
