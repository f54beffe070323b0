import { Injectable } from '@nestjs/common';
import { ChannelRegistry } from '@core/channel/channel.registry';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { ContactsService } from '@app/messaging/contacts/contacts.service';

/** Where a contact is reached on a channel account, by that platform's own addressing rules. */
@Injectable()
export class ReminderRecipients {
  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly contacts: ContactsService,
    private readonly registry: ChannelRegistry,
  ) {}

  /** The contact's address on the account's platform; undefined when it has none there. */
  async addressOf(
    tenantId: string,
    contactId: string,
    channelAccountId: string,
  ): Promise<string | undefined> {
    const account = await this.accounts.get(tenantId, channelAccountId);
    const rules = this.registry.messaging(account.hub, account.provider).rules;
    const identities = await this.contacts.identitiesOf(tenantId, contactId);
    return identities.find((identity) =>
      rules
        .recipientIdentities(identity.value)
        ?.some((named) => named.type === identity.type && named.value === identity.value),
    )?.value;
  }
}
