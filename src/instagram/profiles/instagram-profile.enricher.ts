import { Injectable, Logger } from '@nestjs/common';
import { PlatformError } from '@core/errors/platform-error';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import type { MessagingEvent } from '@app/messaging/events/messaging-event';
import { OnMessagingEvent } from '@app/messaging/events/on-messaging-event.decorator';
import { IGSID } from '../rules/instagram-messaging.rules';
import type { InstagramCredentials } from '../graph/instagram.credentials';
import { InstagramProfileClient } from './instagram-profile.client';
import {
  InstagramProfileLookupsRepository,
  ProfileLookup,
} from './instagram-profile-lookups.repository';

export type EnrichOutcome = 'enriched' | 'unchanged' | 'skipped' | 'failed';

/**
 * Gives a new Instagram contact its name and picture, once, from the profile lookup. It runs
 * on the event stream after the conversation was stored, so a slow or failing lookup never
 * holds a message back; a failure is recorded and tried again by the retry task
 * (InstagramProfileRetryTask), never thrown back to the stream. Only what the contact lacks is
 * filled (ContactsService.completeProfile).
 */
@Injectable()
export class InstagramProfileEnricher {
  private readonly logger = new Logger(InstagramProfileEnricher.name);

  constructor(
    private readonly accounts: ChannelAccountsService,
    private readonly contacts: ContactsService,
    private readonly lookups: InstagramProfileLookupsRepository,
    private readonly client: InstagramProfileClient,
  ) {}

  @OnMessagingEvent({ subscriber: 'instagram.profiles', types: ['conversation.opened'] })
  async onConversationOpened(event: MessagingEvent): Promise<void> {
    const { tenantId, contactId, channelAccountId: accountId } = event;
    // Every hub's conversations open here: the event's hub turns the others away unread.
    if (!accountId || !contactId || event.hub !== 'instagram') return;
    if (!(await this.accounts.openIfLive(tenantId, accountId))) return;
    const identities = await this.contacts.identitiesOf(tenantId, contactId);
    const igsid = identities.find((identity) => identity.type === IGSID)?.value;
    if (!igsid) return;
    await this.enrich({ tenantId, contactId, channelAccountId: accountId, igsid });
  }

  /** Looks the contact up unless it was (or is being) already; records the outcome. */
  async enrich(lookup: ProfileLookup): Promise<EnrichOutcome> {
    if (!(await this.lookups.claim(lookup))) return 'skipped';
    const account = await this.accounts.openIfLive<InstagramCredentials>(
      lookup.tenantId,
      lookup.channelAccountId,
    );
    if (!account) {
      await this.lookups.failed(lookup.contactId, 'ACCOUNT_GONE', false);
      return 'failed';
    }
    try {
      const profile = await this.client.lookUp(account, lookup.igsid);
      const filled = await this.contacts.completeProfile(lookup.tenantId, lookup.contactId, {
        name: profile.name ?? profile.username,
        avatarUrl: profile.profilePic,
      });
      await this.lookups.succeeded(lookup.contactId);
      return filled ? 'enriched' : 'unchanged';
    } catch (error) {
      if (!(error instanceof PlatformError)) {
        await this.lookups.failed(lookup.contactId, 'INTERNAL', true);
        throw error;
      }
      // A person who blocked the account or deleted their profile (not-found, rejected) will
      // not come back: left. Outages, rate limits and a token being renewed are retried.
      const retry = error.retryable || error.failure === 'auth';
      await this.lookups.failed(lookup.contactId, error.code, retry);
      this.logger.warn(
        { accountId: lookup.channelAccountId, code: error.code, retry },
        'Instagram profile lookup failed; the contact keeps its id only for now',
      );
      return 'failed';
    }
  }
}
