import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DomainError } from '@core/errors/domain-error';
import { OutboundDispatcher } from '@app/messaging/outbound/outbound.dispatcher';
import { asObject } from '@app/messaging/inbound/webhook-payload.reader';
import { BitrixChatsRepository } from '../mirror/bitrix-chats.repository';
import { BitrixPortalsRepository } from '../portals/bitrix-portals.repository';
import { listOf, stringField } from '../webhooks/bitrix-event';
import { AgentMessagesRepository } from './agent-messages.repository';
import { ChatNotes, noteFor } from './chat-notes';

/**
 * Agent → customer: each message of an OnImConnectorMessageAdd event becomes a send on the
 * channel the customer used, through messaging's dispatcher (pacing, breaker, window rules).
 * The Bitrix message id is the send's idempotency key, so a redelivered event, or this
 * handler running twice, sends once. A send the rules refuse is told to the agent in the chat.
 */
@Injectable()
export class AgentReplies {
  private readonly logger = new Logger(AgentReplies.name);

  constructor(
    private readonly portals: BitrixPortalsRepository,
    private readonly chats: BitrixChatsRepository,
    private readonly replies: AgentMessagesRepository,
    private readonly dispatcher: OutboundDispatcher,
    private readonly notes: ChatNotes,
  ) {}

  async handle(portalId: string, data: Record<string, unknown>): Promise<void> {
    const portal = await this.portals.byId(portalId);
    if (!portal) return;
    const lineId = stringField(data, 'LINE') ?? '';
    for (const entry of listOf(data.MESSAGES)) {
      const im = asObject(entry.im) ?? {};
      const message = asObject(entry.message) ?? {};
      const conversationId = stringField(asObject(entry.chat) ?? {}, 'id');
      const bitrixMessageId = stringField(im, 'message_id');
      const bitrixChatId = stringField(im, 'chat_id');
      if (!conversationId || !bitrixMessageId || !bitrixChatId) continue;
      const chat = await this.chats.find(portalId, conversationId);
      if (!chat) {
        this.logger.warn({ portalId }, 'Agent message for a chat Omnihub does not know; dropped');
        continue;
      }
      const row = await this.replies.claim({
        portalId,
        tenantId: portal.tenantId,
        bitrixMessageId,
        bitrixChatId,
        lineId,
        conversationId,
      });
      if (row.outcome) continue;
      const text = bbToPlain(stringField(message, 'text') ?? '');
      if (!text) {
        await this.replies.settle(portalId, bitrixMessageId, null, 'BITRIX.EMPTY');
        await this.notes.post(
          portalId,
          bitrixChatId,
          noteFor('BITRIX.UNSUPPORTED_CONTENT', 'only text replies reach the customer'),
        );
        continue;
      }
      try {
        const accepted = await this.dispatcher.accept({
          tenantId: portal.tenantId,
          channelAccountId: chat.channelAccountId,
          to: chat.recipient,
          type: 'text',
          text: { body: text },
          idempotency: {
            key: `bitrix:${portalId}:${bitrixMessageId}`,
            fingerprint: createHash('sha256').update(text).digest('base64url'),
          },
        });
        await this.replies.settle(portalId, bitrixMessageId, accepted.id, 'accepted');
      } catch (error) {
        if (!(error instanceof DomainError) || error.kind === 'unavailable') throw error;
        await this.replies.settle(portalId, bitrixMessageId, null, error.code);
        await this.notes.post(portalId, bitrixChatId, noteFor(error.code, error.message));
      }
    }
  }
}

/** Bitrix24 marks up agents' text with BB codes; customers' apps show plain text. */
function bbToPlain(text: string): string {
  return text
    .replace(/\[br\]/gi, '\n')
    .replace(/\[(\/?)(b|i|u|s|quote|code)\]/gi, '')
    .replace(/\[url=([^\]]+)\]([^[]*)\[\/url\]/gi, '$2 ($1)')
    .trim();
}
