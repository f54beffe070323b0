import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DomainError } from '@core/errors/domain-error';
import { OutboundDispatcher } from '@app/messaging/outbound/outbound.dispatcher';
import { asObject } from '@app/messaging/inbound/webhook-payload.reader';
import type { RequestedContent } from '@app/messaging/outbound/send-message.command';
import { BitrixChat, BitrixChatsRepository } from '../mirror/bitrix-chats.repository';
import { BitrixPortalsRepository } from '../portals/bitrix-portals.repository';
import { listOf, stringField } from '../webhooks/bitrix-event';
import { AgentMessage, AgentMessagesRepository } from './agent-messages.repository';
import { agentMessageParts } from './agent-message-parts';
import { agentReplyKey } from './agent-reply-key';
import { ChatNotes, noteFor } from './chat-notes';

/**
 * Agent → customer: each message of an OnImConnectorMessageAdd event becomes sends on the
 * channel the customer used, through messaging's dispatcher (pacing, breaker, window rules):
 * its text, then its files as media by link (agentMessageParts). The Bitrix message id keys
 * each send's idempotency, so a redelivered event, or this handler running twice, sends once. A send the rules refuse is told to the agent in the chat.
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
      const parts = agentMessageParts(message);
      if (!parts.length) {
        await this.replies.settle(portalId, bitrixMessageId, null, 'BITRIX.EMPTY');
        await this.notes.post(
          portalId,
          bitrixChatId,
          noteFor('BITRIX.UNSUPPORTED_CONTENT', 'the message had neither text nor a file link'),
        );
        continue;
      }
      await this.send(portal.tenantId, chat, row, parts);
    }
  }

  /**
   * Sends the parts in order, each under its own idempotency key: a retried event resends
   * none that went. The first part's message is the one whose statuses the agent sees; a part
   * the rules refuse stops the rest and is told in the chat.
   */
  private async send(
    tenantId: string,
    chat: BitrixChat,
    row: AgentMessage,
    parts: RequestedContent[],
  ): Promise<void> {
    const { portalId, bitrixMessageId, bitrixChatId } = row;
    let firstId: string | null = null;
    for (const [index, part] of parts.entries()) {
      try {
        const accepted = await this.dispatcher.accept({
          ...part,
          tenantId,
          channelAccountId: chat.channelAccountId,
          to: chat.recipient,
          idempotency: {
            key: agentReplyKey(portalId, bitrixMessageId, index),
            fingerprint: fingerprintOf(part),
          },
        });
        if (!firstId) {
          firstId = accepted.id;
          // Linked before the next part goes, so the first part's statuses find the row.
          await this.replies.link(portalId, bitrixMessageId, firstId);
        }
      } catch (error) {
        if (!(error instanceof DomainError) || error.kind === 'unavailable') throw error;
        await this.replies.settle(portalId, bitrixMessageId, firstId, error.code);
        await this.notes.post(portalId, bitrixChatId, noteFor(error.code, error.message));
        return;
      }
    }
    await this.replies.settle(portalId, bitrixMessageId, firstId, 'accepted');
  }
}

/** The text itself for a text (as before files were sent), else the file's link. */
function fingerprintOf(part: RequestedContent): string {
  return createHash('sha256')
    .update(part.text?.body ?? part.media?.url ?? '')
    .digest('base64url');
}
