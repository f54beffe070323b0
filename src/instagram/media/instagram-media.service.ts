import { Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import type { FetchedMedia } from '@core/channel/media-source';
import { DomainError, NotFoundError } from '@core/errors/domain-error';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { MessageLookup } from '@app/messaging/messages/message-lookup';
import { INSTAGRAM_PROVIDER, InstagramProvider } from '@app/instagram/graph/instagram.provider';
import type { InstagramCredentials } from '@app/instagram/graph/instagram.credentials';

/**
 * A received Instagram file for the frontend (`GET /api/v2/instagram/messages/:id/media`),
 * streamed from Instagram's CDN on each request; nothing is stored here. The signed link route
 * (`GET /api/v2/media/:id`) reaches the same file through the provider's fetchMedia.
 */
@Injectable()
export class InstagramMediaService {
  constructor(
    private readonly messages: MessageLookup,
    private readonly accounts: ChannelAccountsService,
    private readonly provider: InstagramProvider,
    private readonly config: AppConfig,
  ) {}

  async download(tenantId: string, messageId: string): Promise<FetchedMedia> {
    const message = await this.messages.find(tenantId, messageId, INSTAGRAM_PROVIDER);
    if (!message) {
      // The tenant's own message from another channel exists: say why, rather than "not found".
      if (await this.messages.received(tenantId, messageId)) {
        throw new DomainError(
          'INSTAGRAM.NOT_INSTAGRAM_MESSAGE',
          'unprocessable',
          'This message did not come through Instagram; fetch its media through its own channel',
        );
      }
      throw new NotFoundError('Message');
    }
    const media = message.content.media;
    if (message.direction !== 'inbound' || !media || typeof media !== 'object') {
      throw new DomainError(
        'INSTAGRAM.NO_MEDIA',
        'unprocessable',
        'This message carries no received media',
      );
    }
    const account = await this.accounts.open<InstagramCredentials>(
      tenantId,
      message.channelAccountId,
    );
    return this.provider.fetchMedia(
      account,
      media as Record<string, unknown>,
      this.config.mediaLinks.maxBytes,
    );
  }
}
