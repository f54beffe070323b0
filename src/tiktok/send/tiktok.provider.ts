import { Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import type { AccountClaim, OwnershipProvingProvider } from '@core/channel/account-ownership';
import {
  AccountCredentialsRejectedError,
  AccountNotOwnedError,
  AccountPermissionMissingError,
  OwnershipUnverifiableError,
} from '@core/channel/account-ownership.errors';
import type { MessagingProvider } from '@core/channel/channel-provider';
import type { HubHealth } from '@core/channel/hub-health';
import type { FetchedMedia, MediaSourceProvider } from '@core/channel/media-source';
import type { ContentKind, OutboundMessage, SendResult } from '@core/channel/outbound-message';
import { RegisterChannelProvider } from '@core/channel/register-channel-provider.decorator';
import { DomainError } from '@core/errors/domain-error';
import { PlatformError } from '@core/errors/platform-error';
import { TikTokBusinessClient } from '@app/tiktok/api/tiktok-business.client';
import {
  TIKTOK_CREDENTIALS,
  TikTokAccount,
  TikTokCredentials,
} from '@app/tiktok/api/tiktok.credentials';
import { TikTokTokens } from '@app/tiktok/accounts/tiktok-tokens';
import { TikTokConversationsRepository } from '@app/tiktok/inbound/tiktok-conversations.repository';
import { TIKTOK_MESSAGING_RULES, sharePostOf } from '@app/tiktok/rules/tiktok-messaging.rules';
import { ReceivedTikTokMedia, TikTokMedia } from './tiktok-media';

export const TIKTOK_PROVIDER = 'tiktok-business';

/** Text, one image, or a shared post; replies quote the message they answer. */
const TIKTOK_CAPABILITIES: readonly ContentKind[] = ['text', 'image', 'interactive'];

interface SendAnswer {
  message?: { message_id?: string };
}

/**
 * TikTok direct messages through the official Business Messaging API (never a browser
 * session): `POST business/message/send/` to the person's conversation, with the account's
 * `Access-Token` (refreshed before it expires, see TikTokTokens). TikTok's codes become
 * PlatformErrors (tiktok-errors.ts): 40105 'auth' flags the account needs_reauth.
 */
@Injectable()
@RegisterChannelProvider()
export class TikTokProvider
  implements
    MessagingProvider<TikTokCredentials>,
    MediaSourceProvider<TikTokCredentials>,
    OwnershipProvingProvider
{
  readonly hub = 'tiktok' as const;
  readonly provider = TIKTOK_PROVIDER;
  readonly credentials = TIKTOK_CREDENTIALS;
  readonly capabilities: ReadonlySet<ContentKind> = new Set(TIKTOK_CAPABILITIES);
  readonly rules = TIKTOK_MESSAGING_RULES;
  readonly pacing: { ratePerSecond: number; burst: number };

  constructor(
    private readonly client: TikTokBusinessClient,
    private readonly tokens: TikTokTokens,
    private readonly conversations: TikTokConversationsRepository,
    private readonly media: TikTokMedia,
    config: AppConfig,
  ) {
    const perSecond = config.tiktok.messagesPerSecond;
    this.pacing = { ratePerSecond: perSecond, burst: perSecond };
  }

  /** The OAuth answer's token must open this very business account (`business/get/`). */
  async proveOwnership(claim: AccountClaim): Promise<void> {
    const accessToken = (claim.credentials as Partial<TikTokCredentials>).accessToken ?? '';
    try {
      await this.profile(claim.externalId, accessToken);
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error;
      if (error.failure === 'auth') throw new AccountCredentialsRejectedError('accessToken');
      if (error.details.platformCode === '40001') {
        throw new AccountPermissionMissingError('scope');
      }
      if (error.failure === 'rejected' || error.failure === 'not-found') {
        throw new AccountNotOwnedError('openId', 'The token does not open this TikTok account');
      }
      throw new OwnershipUnverifiableError();
    }
  }

  /** A received image, by the media id and locator the webhook parser stored with it. */
  async fetchMedia(
    account: TikTokAccount,
    media: Readonly<Record<string, unknown>>,
    maxBytes: number,
  ): Promise<FetchedMedia> {
    const locator = (media.locator ?? {}) as Record<string, unknown>;
    const ids = {
      mediaId: media.mediaId,
      conversationId: locator.conversationId,
      messageId: locator.messageId,
    };
    if (!Object.values(ids).every((id) => typeof id === 'string' && id)) {
      throw new DomainError(
        'TIKTOK.NO_MEDIA',
        'unprocessable',
        'This message does not name a TikTok media with its conversation and message',
      );
    }
    const accessToken = await this.tokens.accessTokenFor(account);
    return this.media.download(
      account.externalId,
      accessToken,
      ids as ReceivedTikTokMedia,
      maxBytes,
    );
  }

  async send(account: TikTokAccount, message: OutboundMessage): Promise<SendResult> {
    const conversationId = await this.conversations.conversationOf(account.id, message.to);
    if (!conversationId) {
      throw new PlatformError(
        'tiktok',
        'send_message',
        'rejected',
        'tiktok send_message: this person has no conversation with the account (they write first)',
      );
    }
    const accessToken = await this.tokens.accessTokenFor(account);
    let data: SendAnswer;
    try {
      data = await this.sendWith(account, accessToken, conversationId, message);
    } catch (error) {
      // A token TikTok stopped honouring before its expiry: nothing was sent (TikTok answered),
      // so one refresh and one more try are safe. A refused refresh flags needs_reauth.
      if (!(error instanceof PlatformError) || error.failure !== 'auth') throw error;
      const refreshed = await this.tokens.refresh(account, accessToken);
      data = await this.sendWith(account, refreshed.accessToken, conversationId, message);
    }
    const providerMessageId = data.message?.message_id;
    if (!providerMessageId) {
      // TikTok may have delivered it: never retried.
      throw new PlatformError('tiktok', 'send_message', 'server', 'tiktok send_message: no id', {
        retryable: false,
      });
    }
    const acceptedAt = new Date();
    await this.conversations.recordSent(account.id, conversationId, providerMessageId, acceptedAt);
    return { providerMessageId, acceptedAt };
  }

  async checkHealth(account?: TikTokAccount): Promise<HubHealth> {
    const checkedAt = new Date();
    if (!account) {
      return {
        status: 'up',
        detail: 'TikTok provider loaded; not probed (every call needs an account token)',
        checkedAt,
      };
    }
    const started = performance.now();
    try {
      await this.profile(account.externalId, await this.tokens.accessTokenFor(account));
      return {
        status: 'up',
        detail: 'the business profile answered for this account',
        checkedAt,
        latencyMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      return {
        status: 'down',
        detail: error instanceof Error ? error.message : String(error),
        checkedAt,
        latencyMs: Math.round(performance.now() - started),
      };
    }
  }

  private async sendWith(
    account: TikTokAccount,
    accessToken: string,
    conversationId: string,
    message: OutboundMessage,
  ): Promise<SendAnswer> {
    const json = {
      business_id: account.externalId,
      recipient_type: 'CONVERSATION',
      recipient: conversationId,
      ...(await this.contentOf(account, accessToken, message)),
      ...(message.replyToProviderMessageId
        ? { referenced_message_info: { referenced_message_id: message.replyToProviderMessageId } }
        : {}),
    };
    return this.client.call<SendAnswer>({
      operation: 'send_message',
      method: 'POST',
      path: 'business/message/send/',
      accessToken,
      json,
      atMostOnce: true,
    });
  }

  /** `business/get/`: the account's public profile, for ownership and health. */
  profile(businessId: string, accessToken: string): Promise<{ username?: string }> {
    return this.client.call<{ username?: string }>({
      operation: 'get_profile',
      method: 'GET',
      path: 'business/get/',
      accessToken,
      query: { business_id: businessId, fields: JSON.stringify(['username', 'display_name']) },
    });
  }

  private async contentOf(
    account: TikTokAccount,
    accessToken: string,
    message: OutboundMessage,
  ): Promise<Record<string, unknown>> {
    if (message.type === 'text') return { message_type: 'TEXT', text: { body: message.text } };
    if (message.type === 'image') {
      const mediaId = await this.media.imageIdFor(account.externalId, accessToken, message.media);
      return { message_type: 'IMAGE', image: { media_id: mediaId } };
    }
    const itemId = sharePostOf(message);
    if (itemId) return { message_type: 'SHARE_POST', share_post: { item_id: itemId } };
    throw new PlatformError(
      'tiktok',
      'send_message',
      'rejected',
      `tiktok send_message: TikTok cannot send ${message.type}`,
    );
  }
}
