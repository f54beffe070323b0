import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { AppConfig } from '@config/app-config';
import type { FetchedMedia } from '@core/channel/media-source';
import { DomainError } from '@core/errors/domain-error';
import { PlatformError } from '@core/errors/platform-error';
import type { MediaRef } from '@core/channel/outbound-message';
import { capBytes } from '@core/http/byte-cap';
import { PlatformHttpClient } from '@core/http/platform-http.client';
import { TikTokBusinessClient } from '@app/tiktok/api/tiktok-business.client';
import { TIKTOK_LIMITS } from '@app/tiktok/rules/tiktok-messaging.rules';

/** A received image as TikTok names it: its media id, conversation and message. */
export interface ReceivedTikTokMedia {
  mediaId: string;
  conversationId: string;
  messageId: string;
}

/**
 * TikTok media both ways. Sending: TikTok takes images by its own media id only, so an image
 * given by URL is fetched (a public link only, at most TikTok's 3 MB) and uploaded through
 * `business/message/media/upload/` first. Receiving: an image arrives as a media id, handed out
 * again by `business/message/media/download/` as a short-lived URL that is fetched with the
 * account's token in `x-user` (CONTRACT.md "Media download").
 */
@Injectable()
export class TikTokMedia {
  private readonly apiOrigin: string;

  constructor(
    private readonly client: TikTokBusinessClient,
    private readonly http: PlatformHttpClient,
    config: AppConfig,
  ) {
    this.apiOrigin = new URL(config.tiktok.businessApiBaseUrl).origin;
  }

  /**
   * Streams a received image, never holding it whole: refused before any byte moves when the
   * download's Content-Length is over `maxBytes`, cut off (the stream fails) past it anyway.
   */
  async download(
    businessId: string,
    accessToken: string,
    media: ReceivedTikTokMedia,
    maxBytes: number,
  ): Promise<FetchedMedia> {
    const data = await this.client.call<{ download_url?: string }>({
      operation: 'get_media',
      method: 'POST',
      path: 'business/message/media/download/',
      accessToken,
      json: {
        business_id: businessId,
        conversation_id: media.conversationId,
        message_id: media.messageId,
        media_id: media.mediaId,
        media_type: 'IMAGE',
      },
    });
    const url = this.trusted(data.download_url);
    const file = await this.http.request<Readable>({
      hub: 'tiktok',
      operation: 'download_media',
      baseUrl: url,
      method: 'GET',
      path: '',
      headers: { 'x-user': accessToken },
      responseType: 'stream',
    });
    const length = Number(file.headers['content-length']);
    const contentLength = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
    if (contentLength !== undefined && contentLength > maxBytes) {
      // Not read: the connection is dropped (reported as a stream error, expected here).
      file.body.on('error', () => undefined).destroy();
      throw tooLarge(maxBytes, contentLength);
    }
    return {
      body: capBytes(file.body, maxBytes, () => tooLarge(maxBytes)),
      mimeType: String(file.headers['content-type'] ?? 'application/octet-stream'),
      ...(contentLength !== undefined ? { contentLength } : {}),
    };
  }

  /**
   * The download carries the account's token, so it only goes over HTTPS, or to the API
   * base's own origin (a proxy or a local fake configured as TIKTOK_BUSINESS_API_BASE_URL).
   */
  private trusted(raw: string | undefined): string {
    let url: URL | undefined;
    try {
      url = raw ? new URL(raw) : undefined;
    } catch {
      url = undefined;
    }
    if (!url) {
      throw new PlatformError('tiktok', 'get_media', 'server', 'tiktok get_media: no download_url');
    }
    if (url.protocol !== 'https:' && url.origin !== this.apiOrigin) {
      throw new PlatformError(
        'tiktok',
        'download_media',
        'rejected',
        `tiktok download_media: refusing to send the access token to ${url.protocol}//${url.host}`,
      );
    }
    return raw!;
  }

  async imageIdFor(businessId: string, accessToken: string, media: MediaRef): Promise<string> {
    if (media.mediaId) return media.mediaId;
    if (!media.url) throw refused('the image has neither a url nor a mediaId');
    const { headers, body } = await this.http.request<Buffer>({
      hub: 'tiktok',
      operation: 'fetch_media',
      baseUrl: media.url,
      method: 'GET',
      path: '',
      responseType: 'buffer',
      publicLink: { subject: 'media link' },
    });
    const contentType = (media.mimeType ?? String(headers['content-type'] ?? ''))
      .split(';')[0]
      .trim()
      .toLowerCase();
    if (!TIKTOK_LIMITS.imageTypes.includes(contentType)) {
      throw refused(`TikTok takes JPG or PNG images only (got ${contentType || 'no type'})`);
    }
    if (body.length > TIKTOK_LIMITS.imageBytes) throw refused('TikTok takes images up to 3 MB');
    const data = await this.client.call<{ media_id?: string }>({
      operation: 'upload_media',
      method: 'POST',
      path: 'business/message/media/upload/',
      accessToken,
      multipart: [
        { name: 'business_id', value: businessId },
        { name: 'media_type', value: 'IMAGE' },
        {
          name: 'file',
          filename: contentType === 'image/png' ? 'image.png' : 'image.jpg',
          contentType,
          data: body,
        },
      ],
    });
    if (!data.media_id) {
      throw new PlatformError('tiktok', 'upload_media', 'server', 'tiktok upload_media: no id');
    }
    return data.media_id;
  }
}

function refused(detail: string): PlatformError {
  return new PlatformError('tiktok', 'send_message', 'rejected', `tiktok send_message: ${detail}`);
}

function tooLarge(maxBytes: number, size?: number): DomainError {
  return new DomainError(
    'TIKTOK.MEDIA_TOO_LARGE',
    'unprocessable',
    `The image is ${size === undefined ? 'larger than' : `${size} bytes; over`} the ` +
      `${maxBytes} bytes this server serves (MEDIA_DOWNLOAD_MAX_BYTES)`,
  );
}
