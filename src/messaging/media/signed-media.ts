import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '@config/app-config';
import { ChannelRegistry } from '@core/channel/channel.registry';
import type { HubName } from '@core/channel/hub-name';
import type { FetchedMedia } from '@core/channel/media-source';
import { DomainError, NotFoundError } from '@core/errors/domain-error';
import { ChannelAccountsService } from '../channel-accounts/channel-accounts.service';
import { MessageEntity } from '../entities/message.entity';
import type { StoredMessage } from '../messages/message-lookup';
import { MediaLinkClaim, MediaLinks } from './media-links';

/** A received file offered by link: where to fetch it and the name to show. */
export interface MediaLink {
  readonly url: string;
  readonly name: string;
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'application/pdf': 'pdf',
};

/**
 * Received media by signed link: hands out links for messages whose provider can fetch their
 * media again (MediaSourceProvider), and streams the file behind a verified link through that
 * provider, so no file is stored here and messaging knows no platform.
 */
@Injectable()
export class SignedMedia {
  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    private readonly accounts: ChannelAccountsService,
    private readonly registry: ChannelRegistry,
    private readonly links: MediaLinks,
    private readonly config: AppConfig,
  ) {}

  /** A link to the message's file; null when it has none or its provider cannot fetch it. */
  linkOf(hub: HubName, message: StoredMessage): MediaLink | null {
    const media = mediaOf(message.content);
    if (message.direction !== 'inbound' || !media) return null;
    if (!this.registry.mediaSource(hub, message.provider)) return null;
    return {
      url: this.links.link({ tenantId: message.tenantId, messageId: message.id }),
      name: nameOf(message.type, media),
    };
  }

  /** The file behind a verified link (the claim comes from MediaLinks.verify). */
  async open(claim: MediaLinkClaim): Promise<FetchedMedia & { filename?: string }> {
    const { tenantId, messageId } = claim;
    const message = await this.messages.findOneBy({ id: messageId, tenantId });
    const media = message ? mediaOf(message.content) : null;
    if (!message || !media) throw new NotFoundError('Media');
    const account = await this.accounts.open(tenantId, message.channelAccountId);
    const source = this.registry.mediaSource(account.hub, account.provider);
    if (!source) {
      throw new DomainError(
        'MESSAGING.MEDIA_NOT_FETCHABLE',
        'unprocessable',
        "This message's platform does not hand its media out again",
      );
    }
    const file = await source.fetchMedia(account, media, this.config.mediaLinks.maxBytes);
    return { ...file, filename: typeof media.filename === 'string' ? media.filename : undefined };
  }
}

function mediaOf(content: Readonly<Record<string, unknown>>): Record<string, unknown> | null {
  const media = content.media;
  return media && typeof media === 'object' && !Array.isArray(media)
    ? (media as Record<string, unknown>)
    : null;
}

function nameOf(type: string, media: Record<string, unknown>): string {
  if (typeof media.filename === 'string' && media.filename) return media.filename;
  const mime = typeof media.mimeType === 'string' ? media.mimeType.split(';')[0].trim() : '';
  const extension = EXTENSIONS[mime];
  return extension ? `${type}.${extension}` : type;
}
