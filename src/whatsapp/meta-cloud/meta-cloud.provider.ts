import { Injectable } from '@nestjs/common';
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
import { WHATSAPP_MESSAGING_RULES } from '@app/whatsapp/rules/whatsapp-messaging.rules';
import {
  META_CLOUD_CREDENTIALS,
  MetaCloudAccount,
  MetaCloudCredentials,
  metaAccessOf,
} from './meta-cloud.credentials';
import { MetaGraphClient, graphPath } from '@app/meta/graph/meta-graph.client';
import { unexpectedGraphAnswer } from './cloud-api-graph';
import { mediaLinksIn } from './meta-media-links';
import { MetaMediaClient } from './meta-media.client';
import { MetaNumberOwnership } from './meta-number-ownership';
import {
  META_CLOUD_MESSAGE_TYPES,
  buildMessageBody,
  buildReadReceiptBody,
} from './meta-message-body';
import {
  PHONE_NUMBER_HEALTH_FIELDS,
  PhoneNumberFields,
  healthOfFailedProbe,
  healthOfPhoneNumber,
} from './phone-number-health';

/** `POST /{phone-number-id}/messages` answer. */
interface SendResponse {
  messaging_product?: string;
  contacts?: { input?: string; wa_id?: string }[];
  messages?: { id?: string; message_status?: string }[];
}

/**
 * WhatsApp through Meta's Cloud API. Credentials come with each account (MetaCloudCredentials,
 * `externalId` = phone_number_id); failures are PlatformErrors carrying Meta's code.
 */
@Injectable()
@RegisterChannelProvider()
export class MetaCloudProvider
  implements
    MessagingProvider<MetaCloudCredentials>,
    MediaSourceProvider<MetaCloudCredentials>,
    OwnershipProvingProvider
{
  readonly hub = 'whatsapp' as const;
  readonly provider = 'meta-cloud';
  readonly credentials = META_CLOUD_CREDENTIALS;
  readonly capabilities: ReadonlySet<ContentKind> = new Set<ContentKind>(META_CLOUD_MESSAGE_TYPES);
  readonly rules = WHATSAPP_MESSAGING_RULES;
  /**
   * Meta's throughput is per phone number per second (80 by default, more once upgraded), so the
   * outbound worker paces each account to WHATSAPP_CLOUD_MESSAGES_PER_SECOND with one second's
   * worth of burst; going faster only earns 130429s.
   */
  readonly pacing: { ratePerSecond: number; burst: number };

  constructor(
    private readonly graph: MetaGraphClient,
    private readonly ownership: MetaNumberOwnership,
    private readonly links: PublicLinkGuard,
    private readonly media: MetaMediaClient,
    config: AppConfig,
  ) {
    const perSecond = config.whatsapp.cloudMessagesPerSecond;
    this.pacing = { ratePerSecond: perSecond, burst: Math.max(1, Math.floor(perSecond)) };
  }

  /** The token acts for the phone number, and the number is listed under the WABA. */
  proveOwnership(claim: AccountClaim): Promise<void> {
    return this.ownership.prove(claim);
  }

  /** A received file by the media id Meta sent (Meta keeps it for 30 days). */
  fetchMedia(
    account: MetaCloudAccount,
    media: Readonly<Record<string, unknown>>,
    maxBytes: number,
  ): Promise<FetchedMedia> {
    if (typeof media.mediaId !== 'string' || !media.mediaId) {
      throw new DomainError(
        'WHATSAPP.NO_MEDIA',
        'unprocessable',
        'This message carries no media id',
      );
    }
    return this.media.download(account, media.mediaId, maxBytes);
  }

  async send(account: MetaCloudAccount, message: OutboundMessage): Promise<SendResult> {
    const { accessToken, phoneNumberId } = metaAccessOf(account, 'send_message');
    const json = buildMessageBody(message);
    // Meta fetches these from its own network, but a link to our private addresses is refused
    // the same way for every platform: one rule, and no internal host names leave in messages.
    for (const link of mediaLinksIn(json)) {
      await this.links.assertPublic(link, { hub: 'whatsapp', operation: 'send_message' });
    }
    const { body } = await this.graph.request<SendResponse | undefined>(accessToken, {
      operation: 'send_message',
      method: 'POST',
      path: graphPath(phoneNumberId, 'messages'),
      json,
      // No idempotency key on the platform: a send that may have gone out is never repeated.
      atMostOnce: true,
    });
    const providerMessageId = body?.messages?.[0]?.id;
    if (!providerMessageId) throw unexpectedGraphAnswer('send_message', 'a message id');
    return {
      providerMessageId,
      acceptedAt: new Date(),
      recipientId: body?.contacts?.[0]?.wa_id,
    };
  }

  /** Blue ticks for a received message (and, per Meta, every earlier one in the chat). */
  async markAsRead(account: MetaCloudAccount, providerMessageId: string): Promise<void> {
    const { accessToken, phoneNumberId } = metaAccessOf(account, 'mark_read');
    await this.graph.request(accessToken, {
      operation: 'mark_read',
      method: 'POST',
      path: graphPath(phoneNumberId, 'messages'),
      json: buildReadReceiptBody(providerMessageId),
    });
  }

  /**
   * With an account: a live probe of its phone number (token valid, number known, quality).
   * Without one there is nothing honest to probe: every Graph call needs an account's token,
   * and an unauthenticated call would only earn an expected error that pollutes the
   * `hub_requests_total` failure ratio alert. So no call is made and the detail says so.
   */
  async checkHealth(account?: MetaCloudAccount): Promise<HubHealth> {
    const checkedAt = new Date();
    if (!account) {
      return {
        status: 'up',
        detail:
          'Meta Cloud API provider loaded; Graph API not probed (every call needs an account ' +
          'token: check an account for a live probe)',
        checkedAt,
      };
    }
    const started = performance.now();
    try {
      const { accessToken, phoneNumberId } = metaAccessOf(account, 'get_phone_number');
      const { body } = await this.graph.request<PhoneNumberFields | undefined>(accessToken, {
        operation: 'get_phone_number',
        method: 'GET',
        path: graphPath(phoneNumberId),
        query: { fields: PHONE_NUMBER_HEALTH_FIELDS.join(',') },
      });
      return healthOfPhoneNumber(body ?? {}, checkedAt, elapsedSince(started));
    } catch (error) {
      if (error instanceof PlatformError) {
        return healthOfFailedProbe(error, checkedAt, elapsedSince(started));
      }
      throw error;
    }
  }
}

function elapsedSince(started: number): number {
  return Math.round(performance.now() - started);
}
