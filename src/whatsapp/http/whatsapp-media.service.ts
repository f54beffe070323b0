import { Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { DomainError, NotFoundError } from '@core/errors/domain-error';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { MessageLookup } from '@app/messaging/messages/message-lookup';
import type { DownloadedMedia } from '../meta-cloud/meta-media.client';
import { MetaMediaClient } from '../meta-cloud/meta-media.client';
import { MetaCloudProvider } from '../meta-cloud/meta-cloud.provider';
import type { MetaCloudCredentials } from '@app/whatsapp/meta-cloud/meta-cloud.credentials';

/**
 * Media and read receipts for Cloud API messages. Inbound media is streamed from Meta on
 * demand by its media id (Meta keeps it for 30 days), so the frontend can show it without
 * Omnihub storing the files, up to MEDIA_DOWNLOAD_MAX_BYTES.
 */
@Injectable()
export class WhatsappMediaService {
  constructor(
    private readonly messages: MessageLookup,
    private readonly accounts: ChannelAccountsService,
    private readonly media: MetaMediaClient,
    private readonly provider: MetaCloudProvider,
    private readonly config: AppConfig,
  ) {}

  async download(
    tenantId: string,
    messageId: string,
  ): Promise<DownloadedMedia & { filename?: string }> {
    const message = await this.cloudMessage(tenantId, messageId);
    const media = (message.content as { media?: { mediaId?: string; filename?: string } }).media;
    if (!media?.mediaId) {
      throw new DomainError(
        'WHATSAPP.NO_MEDIA',
        'unprocessable',
        'This message carries no downloadable media',
      );
    }
    const account = await this.accounts.open<MetaCloudCredentials>(
      tenantId,
      message.channelAccountId,
    );
    const file = await this.media.download(
      account,
      media.mediaId,
      this.config.whatsapp.mediaDownloadMaxBytes,
    );
    return { ...file, filename: media.filename };
  }

  async upload(
    tenantId: string,
    instanceId: string,
    file: { body: Buffer; mimeType: string; filename: string },
  ): Promise<{ mediaId: string }> {
    const account = await this.accounts.open<MetaCloudCredentials>(tenantId, instanceId);
    if (account.provider !== 'meta-cloud') {
      throw new DomainError(
        'WHATSAPP.NOT_CLOUD_API',
        'unprocessable',
        'Media upload is for Cloud API accounts',
      );
    }
    return this.media.upload(account, file);
  }

  /** Shows the contact the blue ticks for one of their messages. */
  async markAsRead(tenantId: string, messageId: string): Promise<void> {
    const message = await this.cloudMessage(tenantId, messageId);
    if (message.direction !== 'inbound' || !message.providerMessageId) {
      throw new DomainError(
        'WHATSAPP.NOT_INBOUND',
        'unprocessable',
        'Only received messages can be marked as read',
      );
    }
    const account = await this.accounts.open<MetaCloudCredentials>(
      tenantId,
      message.channelAccountId,
    );
    await this.provider.markAsRead(account, message.providerMessageId);
  }

  private async cloudMessage(tenantId: string, id: string) {
    const message = await this.messages.find(tenantId, id, 'meta-cloud');
    if (!message) throw new NotFoundError('Message');
    return message;
  }
}
