import { Injectable } from '@nestjs/common';
import { ConversationsService } from '@app/messaging/conversations/conversations.service';
import type { MessagingEvent } from '@app/messaging/events/messaging-event';
import { BitrixLine, BitrixLinesRepository } from '../connector/bitrix-lines.repository';
import { BitrixTenants } from '../portals/bitrix-tenants';

/** A message event's conversation as the mirror needs it: its parties and the lines it feeds. */
export interface MirroredConversation {
  tenantId: string;
  conversationId: string;
  messageId: string;
  channelAccountId: string;
  contactId: string;
  lines: BitrixLine[];
}

/**
 * The one question every mirror subscriber asks first: does this event's conversation feed an
 * open line? Cheapest checks first, since most tenants have no portal and most events stop here.
 */
@Injectable()
export class MirroredConversations {
  constructor(
    private readonly tenants: BitrixTenants,
    private readonly conversations: ConversationsService,
    private readonly lines: BitrixLinesRepository,
  ) {}

  async of(event: MessagingEvent): Promise<MirroredConversation | null> {
    const { tenantId, conversationId, messageId } = event;
    if (!conversationId || !messageId) return null;
    if (!(await this.tenants.has(tenantId))) return null;
    const parties = await this.conversations.partiesOf(tenantId, conversationId);
    if (!parties) return null;
    const lines = await this.lines.ofAccount(tenantId, parties.channelAccountId);
    if (!lines.length) return null;
    return { tenantId, conversationId, messageId, ...parties, lines };
  }
}
