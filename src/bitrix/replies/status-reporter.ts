import { AppConfig } from '@config/app-config';
import { Injectable } from '@nestjs/common';
import type { MessagingEvent } from '@app/messaging/events/messaging-event';
import { OnMessagingEvent } from '@app/messaging/events/on-messaging-event.decorator';
import { BitrixTenants } from '../portals/bitrix-tenants';
import { BitrixRestClient } from '../rest/bitrix-rest.client';
import { AgentMessagesRepository } from './agent-messages.repository';
import { ChatNotes, noteFor } from './chat-notes';

/**
 * Statuses back to Bitrix24 for agents' replies: sent and delivered tick the message
 * (imconnector.send.status.delivery), read marks it read (imconnector.send.status.reading),
 * and a failed send becomes a system note in the chat. Each is safe to repeat. Tenants without
 * a portal are passed over from memory (BitrixTenants), without reading the table.
 */
@Injectable()
export class StatusReporter {
  constructor(
    private readonly replies: AgentMessagesRepository,
    private readonly rest: BitrixRestClient,
    private readonly notes: ChatNotes,
    private readonly config: AppConfig,
    private readonly tenants: BitrixTenants,
  ) {}

  @OnMessagingEvent({
    subscriber: 'bitrix.statuses',
    types: ['message.sent', 'message.status_changed'],
  })
  async report(event: MessagingEvent): Promise<void> {
    if (!event.messageId || !event.status) return;
    // Every tenant's sends pass here; only those with a portal can have an agent's reply.
    if (!(await this.tenants.has(event.tenantId))) return;
    const reply = await this.replies.byMessage(event.tenantId, event.messageId);
    if (!reply) return;
    if (event.status === 'failed') {
      await this.notes.post(
        reply.portalId,
        reply.bitrixChatId,
        noteFor(event.errorCode ?? 'SEND_FAILED'),
      );
      return;
    }
    const method =
      event.status === 'read'
        ? 'imconnector.send.status.reading'
        : event.status === 'sent' || event.status === 'delivered'
          ? 'imconnector.send.status.delivery'
          : undefined;
    if (!method) return;
    await this.rest.call(reply.portalId, method, {
      CONNECTOR: this.config.bitrix.connectorId,
      LINE: reply.lineId,
      MESSAGES: [
        {
          im: { chat_id: reply.bitrixChatId, message_id: reply.bitrixMessageId },
          message: { id: [event.messageId], date: Math.floor(event.occurredAt.getTime() / 1000) },
          chat: { id: reply.conversationId },
        },
      ],
    });
  }
}
