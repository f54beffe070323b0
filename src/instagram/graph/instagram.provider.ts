import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import type { AccountClaim, OwnershipProvingProvider } from '@core/channel/account-ownership';
import type { MessagingProvider } from '@core/channel/channel-provider';
import type { HubHealth } from '@core/channel/hub-health';
import type { FetchedMedia, MediaSourceProvider } from '@core/channel/media-source';
import type { ContentKind, OutboundMessage, SendResult } from '@core/channel/outbound-message';
import { RegisterChannelProvider } from '@core/channel/register-channel-provider.decorator';
import { DomainError } from '@core/errors/domain-error';
import { PlatformError } from '@core/errors/platform-error';
import { PublicLinkGuard } from '@core/http/public-link.guard';
import {
  MetaGraphClient,
  graphPath,
  unexpectedMetaAnswer,
} from '@app/meta/graph/meta-graph.client';
import { INSTAGRAM_MESSAGING_RULES } from '@app/instagram/rules/instagram-messaging.rules';
import { InstagramCdnClient } from '@app/instagram/media/instagram-cdn.client';
import { FACEBOOK_LOGIN_GRAPH, INSTAGRAM_LOGIN_GRAPH } from './instagram-graph';
import {
  INSTAGRAM_CAPABILITIES,
  buildInstagramBody,
  instagramMediaLinks,
} from './instagram-message-body';
import { InstagramOwnership } from './instagram-ownership';
import {
  INSTAGRAM_CREDENTIALS,
  InstagramAccount,
  InstagramCredentials,
} from './instagram.credentials';

/** Send API answer: `{ recipient_id, message_id }` (none for sender actions). */
interface SendResponse {
  recipient_id?: string;
  message_id?: string;
}

/** The provider id of Instagram accounts (both flavours: see INSTAGRAM_FLAVOURS). */
export const INSTAGRAM_PROVIDER = 'meta-instagram';

/**
 * Instagram Direct through Meta's Graph API, on whichever road the account's token takes
 * (`flavour`): Instagram Login sends to `graph.instagram.com/{v}/{ig-id}/messages`, the
 * Page-linked API to `graph.facebook.com/{v}/{page-id}/messages`; bodies, answers and error
 * codes are the same. Failures are PlatformErrors carrying Meta's code (190 → 'auth', so the
 * sender flags the account needs_reauth).
 */
@Injectable()
@RegisterChannelProvider()
export class InstagramProvider
  implements
    MessagingProvider<InstagramCredentials>,
    MediaSourceProvider<InstagramCredentials>,
    OwnershipProvingProvider
{
  readonly hub = 'instagram' as const;
  readonly provider = INSTAGRAM_PROVIDER;
  readonly credentials = INSTAGRAM_CREDENTIALS;
  readonly capabilities: ReadonlySet<ContentKind> = new Set(INSTAGRAM_CAPABILITIES);
  readonly rules = INSTAGRAM_MESSAGING_RULES;
  /** INSTAGRAM_MESSAGES_PER_SECOND per account, one second's worth of burst. */
  readonly pacing: { ratePerSecond: number; burst: number };

  constructor(
    @Inject(INSTAGRAM_LOGIN_GRAPH) private readonly instagramGraph: MetaGraphClient,
    @Inject(FACEBOOK_LOGIN_GRAPH) private readonly facebookGraph: MetaGraphClient,
    private readonly ownership: InstagramOwnership,
    private readonly links: PublicLinkGuard,
    private readonly cdn: InstagramCdnClient,
    config: AppConfig,
  ) {
    const perSecond = config.instagram.messagesPerSecond;
    this.pacing = { ratePerSecond: perSecond, burst: Math.max(1, Math.floor(perSecond)) };
  }

  proveOwnership(claim: AccountClaim): Promise<void> {
    return this.ownership.prove(claim);
  }

  /**
   * A received file, fetched on demand from the CDN URL its webhook carried (stored as the
   * media's `mediaId`). Instagram's URLs expire after some days; then this fails with
   * INSTAGRAM.MEDIA_EXPIRED (see the README on why files are not copied on arrival).
   */
  fetchMedia(
    _account: InstagramAccount,
    media: Readonly<Record<string, unknown>>,
    maxBytes: number,
  ): Promise<FetchedMedia> {
    if (typeof media.mediaId !== 'string' || !media.mediaId) {
      throw new DomainError(
        'INSTAGRAM.NO_MEDIA',
        'unprocessable',
        'This message carries no media link',
      );
    }
    return this.cdn.download(media.mediaId, maxBytes);
  }

  async send(account: InstagramAccount, message: OutboundMessage): Promise<SendResult> {
    const json = buildInstagramBody(message, account.credentials.humanAgentTag === true);
    // Meta fetches attachments from its own network, but a link to our private addresses is
    // refused the same way for every platform, and no internal host name leaves in a message.
    for (const link of instagramMediaLinks(json)) {
      await this.links.assertPublic(link, { hub: 'instagram', operation: 'send_message' });
    }
    const { graph, sender } = this.roadOf(account);
    const { body } = await graph.request<SendResponse | undefined>(
      account.credentials.accessToken,
      {
        operation: 'send_message',
        method: 'POST',
        path: graphPath(sender, 'messages'),
        json,
        // No idempotency key on the platform: a send that may have gone out is never repeated.
        atMostOnce: true,
      },
    );
    if (message.type === 'sender_action') {
      // Presence signals are not messages: Meta answers with the recipient only.
      return { providerMessageId: `sender_action:${message.id}`, acceptedAt: new Date() };
    }
    const providerMessageId =
      body?.message_id ?? (message.type === 'reaction' ? `reaction:${message.id}` : undefined);
    if (!providerMessageId) throw unexpectedMetaAnswer('instagram', 'send_message', 'a message id');
    return { providerMessageId, acceptedAt: new Date(), recipientId: body?.recipient_id };
  }

  /**
   * With an account: a live profile lookup with its token (valid, and still its account).
   * Without one nothing honest can be probed (every call needs an account token).
   */
  async checkHealth(account?: InstagramAccount): Promise<HubHealth> {
    const checkedAt = new Date();
    if (!account) {
      return {
        status: 'up',
        detail:
          'Instagram provider loaded; Graph API not probed (every call needs an account token: ' +
          'check an account for a live probe)',
        checkedAt,
      };
    }
    const started = performance.now();
    try {
      await this.ownership.prove({
        tenantId: account.tenantId,
        name: account.id,
        externalId: account.externalId,
        credentials: account.credentials,
      });
      return {
        status: 'up',
        detail: 'the profile lookup answered for this account',
        checkedAt,
        latencyMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      const detail =
        error instanceof PlatformError || error instanceof Error ? error.message : String(error);
      return {
        status: 'down',
        detail,
        checkedAt,
        latencyMs: Math.round(performance.now() - started),
      };
    }
  }

  /** The Graph root and the sending id of the account's flavour. */
  private roadOf(account: InstagramAccount): { graph: MetaGraphClient; sender: string } {
    const { flavour, pageId } = account.credentials;
    return flavour === 'facebook-login'
      ? { graph: this.facebookGraph, sender: pageId! }
      : { graph: this.instagramGraph, sender: account.externalId };
  }
}
