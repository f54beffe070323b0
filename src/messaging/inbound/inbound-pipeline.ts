import { Injectable, Logger } from '@nestjs/common';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import { PHONE_IDENTITY } from '@core/channel/messaging-rules';
import { newId } from '@core/database/ids';
import { ContactsService, Identity } from '../contacts/contacts.service';
import { ConversationsService } from '../conversations/conversations.service';
import { MessageChangesRepository } from '../messages/message-changes.repository';
import { MessagesRepository } from '../messages/messages.repository';
import { SendOutcomesRepository } from '../messages/send-outcomes.repository';
import type {
  InboundMessageEvent,
  InboundSender,
  NormalizedEvent,
  StatusUpdateEvent,
} from './normalized-event';
import { oversizedIdOf } from './oversized-ids';

export interface IngestSummary {
  stored: number;
  duplicates: number;
  statusesApplied: number;
  /** Status updates naming a message we do not (yet) know: the send may still be recording it. */
  statusesUnmatched: number;
  /** Edits and deletions applied to a stored message (redeliveries count as unchanged). */
  changesApplied: number;
  /**
   * Edits and deletions of a message never stored here (sent before the account was
   * connected, or its own event was lost): there is nothing to show changed, so they are
   * dropped and logged, not retried.
   */
  changesUnmatched: number;
  /** Events left out because an id was longer than any index holds (oversizedIdOf). */
  skipped: number;
}

type Account = Pick<ChannelAccountRef, 'id' | 'tenantId' | 'provider'>;

/**
 * Stores what a platform told us, whatever the platform: contact and identities, the
 * conversation, the message (once per provider message id) and status updates (forward only).
 * Every step is idempotent, so a webhook processed twice changes nothing the second time.
 * An event with an id too long to index is skipped here, for every platform at once.
 */
@Injectable()
export class InboundPipeline {
  private readonly logger = new Logger(InboundPipeline.name);

  constructor(
    private readonly contacts: ContactsService,
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesRepository,
    private readonly outcomes: SendOutcomesRepository,
    private readonly changes: MessageChangesRepository,
  ) {}

  async ingest(account: Account, events: readonly NormalizedEvent[]): Promise<IngestSummary> {
    const summary: IngestSummary = {
      stored: 0,
      duplicates: 0,
      statusesApplied: 0,
      statusesUnmatched: 0,
      changesApplied: 0,
      changesUnmatched: 0,
      skipped: 0,
    };
    const oversized: string[] = [];
    for (const event of events) {
      const field = oversizedIdOf(event);
      if (field) {
        summary.skipped += 1;
        oversized.push(`${event.kind}.${field}`);
      } else if (event.kind === 'message') {
        if (await this.storeMessage(account, event)) summary.stored += 1;
        else summary.duplicates += 1;
      } else if (event.kind === 'change') {
        const outcome = await this.changes.apply(account.id, event);
        if (outcome === 'applied') summary.changesApplied += 1;
        if (outcome === 'unknown') summary.changesUnmatched += 1;
      } else if (await this.applyStatus(account, event)) {
        summary.statusesApplied += 1;
      } else {
        summary.statusesUnmatched += 1;
      }
    }
    if (oversized.length) {
      // Field names only: the ids themselves may be anything a sender chose.
      this.logger.warn(
        { accountId: account.id, skipped: oversized },
        'Events with ids longer than any platform issues were skipped; no retry could store them',
      );
    }
    if (summary.changesUnmatched) {
      this.logger.warn(
        { accountId: account.id, unmatched: summary.changesUnmatched },
        'Edits or deletions of messages never stored here; dropped',
      );
    }
    if (summary.statusesUnmatched) {
      this.logger.warn(
        { accountId: account.id, unmatched: summary.statusesUnmatched },
        'Status updates for unknown messages',
      );
    }
    return summary;
  }

  private async storeMessage(account: Account, event: InboundMessageEvent): Promise<boolean> {
    const contactId = await this.contacts.resolve(account.tenantId, identitiesOf(event.from), {
      name: event.from.name,
      phone: event.from.phone,
    });
    const { type, ...content } = event.content;
    const message = {
      id: newId(),
      tenantId: account.tenantId,
      channelAccountId: account.id,
      provider: account.provider,
      providerMessageId: event.providerMessageId,
      type,
      content,
      platformTimestamp: event.sentAt,
      replyToProviderMessageId: event.replyToProviderMessageId,
      referredProduct: event.referredProduct,
    };
    if (!event.fromMe) {
      // The conversation is touched by the same statement that stores the message.
      return this.messages.insertReceivedTouching(message, { contactId, at: event.sentAt });
    }
    const conversationId = await this.conversations.touch(
      account.tenantId,
      account.id,
      contactId,
      event.sentAt,
      'outbound',
    );
    // Platforms echo our own sends back (Evolution's send.message), sometimes before they
    // answer the send: the echo settles that send rather than becoming a second message.
    if (
      await this.outcomes.settleByEcho({
        conversationId,
        channelAccountId: account.id,
        providerMessageId: event.providerMessageId,
        type,
        text: echoedText(event.content),
        sentAt: event.sentAt,
      })
    ) {
      return false;
    }
    return this.messages.insertInbound({ ...message, conversationId, fromMe: true });
  }

  private applyStatus(account: Account, event: StatusUpdateEvent): Promise<boolean> {
    return this.messages.applyStatus(
      account.id,
      event.providerMessageId,
      event.status,
      event.at,
      event.error,
    );
  }
}

/** The text of an echoed message, or its media caption, to recognise the send it echoes. */
function echoedText(content: InboundMessageEvent['content']): string | undefined {
  if (content.type === 'text') return content.text;
  return 'media' in content ? content.media.caption : undefined;
}

/** Every way the sender can be recognised later: the channel address and the phone number. */
function identitiesOf(sender: InboundSender): Identity[] {
  const identities: Identity[] = [{ type: sender.addressType, value: sender.address }];
  if (sender.phone && !(sender.addressType === PHONE_IDENTITY && sender.address === sender.phone)) {
    identities.push({ type: PHONE_IDENTITY, value: sender.phone });
  }
  return identities;
}
