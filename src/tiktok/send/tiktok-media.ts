import { Injectable } from '@nestjs/common';
import { PlatformError } from '@core/errors/platform-error';
import type { MediaRef } from '@core/channel/outbound-message';
import { PlatformHttpClient } from '@core/http/platform-http.client';
import { TikTokBusinessClient } from '@app/tiktok/api/tiktok-business.client';
import { TIKTOK_LIMITS } from '@app/tiktok/rules/tiktok-messaging.rules';

/**
 * TikTok sends images by its own media id only, so an image given by URL is fetched (a public
 * link only, at most TikTok's 3 MB) and uploaded through `business/message/media/upload/` first.
 */
@Injectable()
export class TikTokMedia {
  constructor(
    private readonly client: TikTokBusinessClient,
    private readonly http: PlatformHttpClient,
  ) {}

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
