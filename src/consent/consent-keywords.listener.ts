import { Injectable, Logger } from '@nestjs/common';
import { ChannelRegistry } from '@core/channel/channel.registry';
import { DomainError } from '@core/errors/domain-error';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import { ConversationsService } from '@app/messaging/conversations/conversations.service';
import type { MessagingEvent } from '@app/messaging/events/messaging-event';
import { OnMessagingEvent } from '@app/messaging/events/on-messaging-event.decorator';
import { MessageLookup } from '@app/messaging/messages/message-lookup';
import { OutboundDispatcher } from '@app/messaging/outbound/outbound.dispatcher';
import { KEYWORD_CONFIRMATION_PURPOSE } from '@app/messaging/outbound/send-purpose';
import { ConsentLedger } from './consent-ledger';
import { ConsentPoliciesRepository } from './consent-policies.repository';
import { EVERY } from './consent-terms';
import { matchKeyword } from './keyword-text';

/**
 * Opt-out and opt-in keywords on every channel: a received message whose whole text is one of
 * the tenant's opt-out words withdraws every purpose on the channel it came by, an opt-in word
 * lifts that withdrawal, and either is answered with the tenant's confirmation.
 *
 * Exactly once under the stream's redelivery: the decision is keyed by the inbound message id
 * (a second one records nothing) and so is the confirmation's idempotency key (a second send
 * returns the first). The confirmation bypasses consent by its system purpose, since it goes
 * to someone who has just withdrawn everything.
 */
@Injectable()
export class ConsentKeywordsListener {
  private readonly logger = new Logger(ConsentKeywordsListener.name);

  constructor(
    private readonly lookup: MessageLookup,
    private readonly conversations: ConversationsService,
    private readonly accounts: ChannelAccountsService,
    private readonly contacts: ContactsService,
    private readonly registry: ChannelRegistry,
    private readonly policies: ConsentPoliciesRepository,
    private readonly ledger: ConsentLedger,
    private readonly dispatcher: OutboundDispatcher,
  ) {}

  @OnMessagingEvent({ subscriber: 'consent.keywords', types: ['message.received'] })
  async onReceived(event: MessagingEvent): Promise<void> {
    if (!event.messageId) return;
    const message = await this.lookup.received(event.tenantId, event.messageId);
    if (!message?.text) return;
    // A button whose payload differs from its title answers the business's own question (a
    // reminder's "Cancelar" cancels the appointment): it is not the contact typing a keyword.
    if (message.payload !== null && message.payload !== message.text) return;
    const policy = await this.policies.get(event.tenantId);
    const match = matchKeyword(message.text, {
      optOut: policy.optOutKeywords,
      optIn: policy.optInKeywords,
    });
    if (!match) return;

    const contactId = await this.conversations.contactOf(event.tenantId, message.conversationId);
    if (!contactId) return;
    const account = await this.accounts.get(event.tenantId, message.channelAccountId);
    await this.ledger.record({
      tenantId: event.tenantId,
      contactId,
      purpose: EVERY,
      channel: account.hub,
      state: match === 'opt-out' ? 'withdrawn' : 'restored',
      source: 'keyword',
      evidence: { messageId: message.id },
      actor: 'contact',
      occurredAt: event.occurredAt,
      idempotencyKey: `keyword:${message.id}`,
    });

    const to = await this.addressOf(event.tenantId, contactId, account.hub, account.provider);
    if (!to) {
      this.logger.warn({ messageId: message.id }, 'Keyword recorded; no address to confirm it to');
      return;
    }
    const body = match === 'opt-out' ? policy.optOutConfirmation : policy.optInConfirmation;
    try {
      await this.dispatcher.accept({
        tenantId: event.tenantId,
        channelAccountId: account.id,
        to,
        type: 'text',
        text: { body },
        purpose: KEYWORD_CONFIRMATION_PURPOSE,
        idempotency: { key: `consent-keyword:${message.id}`, fingerprint: 'consent-keyword' },
      });
    } catch (error) {
      // The account cannot send now (disconnected, a rule refused): the decision stands and a
      // retry would be refused the same way, so it is logged rather than dead-lettered.
      if (!(error instanceof DomainError) || ['unavailable', 'rate-limited'].includes(error.kind))
        throw error;
      this.logger.warn(
        { messageId: message.id, code: error.code },
        'Keyword recorded; its confirmation was refused',
      );
    }
  }

  /** The contact's address on this account's platform, by the platform's own rules. */
  private async addressOf(
    tenantId: string,
    contactId: string,
    hub: string,
    providerName: string,
  ): Promise<string | undefined> {
    const rules = this.registry.messaging(hub, providerName).rules;
    const identities = await this.contacts.identitiesOf(tenantId, contactId);
    return identities.find((identity) =>
      rules
        .recipientIdentities(identity.value)
        ?.some((named) => named.type === identity.type && named.value === identity.value),
    )?.value;
  }
}
