import { Injectable } from '@nestjs/common';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import { trustedMediaUrl } from './media-download-url';
import { metaAccessOf } from './meta-cloud.credentials';
import { MetaGraphClient, graphPath, unexpectedGraphAnswer } from './meta-graph.client';

export interface DownloadedMedia {
  body: Buffer;
  mimeType: string;
  /** As Meta reports it for the file. */
  sha256?: string;
  fileSize?: number;
}

export interface MediaUpload {
  body: Buffer;
  mimeType: string;
  filename: string;
}

/** `GET /{media-id}` answer. */
interface MediaLookup {
  url?: string;
  mime_type?: string;
  sha256?: string;
  file_size?: number | string;
  id?: string;
}

/**
 * Cloud API media: download is Meta's documented two steps (look the id up for a short-lived
 * URL, then fetch that URL with the same Bearer token); upload is a multipart POST to the
 * phone number's `/media` edge.
 */
@Injectable()
export class MetaMediaClient {
  constructor(private readonly graph: MetaGraphClient) {}

  async download(account: ChannelAccountRef, mediaId: string): Promise<DownloadedMedia> {
    const { accessToken, phoneNumberId } = metaAccessOf(account, 'get_media');
    const { body: lookup } = await this.graph.request<MediaLookup | undefined>(accessToken, {
      operation: 'get_media',
      method: 'GET',
      path: graphPath(mediaId),
      // Meta then answers only for media of this number, not of another number in the WABA.
      query: { phone_number_id: phoneNumberId },
    });
    if (!lookup?.url) throw unexpectedGraphAnswer('get_media', 'a media URL');
    const url = trustedMediaUrl(lookup.url, this.graph.versionedBaseUrl);
    const file = await this.graph.request<Buffer>(accessToken, {
      operation: 'download_media',
      method: 'GET',
      baseUrl: url,
      path: '',
      responseType: 'buffer',
    });
    const fileSize = Number(lookup.file_size);
    return {
      body: file.body,
      mimeType: lookup.mime_type ?? headerText(file.headers['content-type']),
      sha256: lookup.sha256,
      fileSize: Number.isFinite(fileSize) && lookup.file_size !== undefined ? fileSize : undefined,
    };
  }

  async upload(account: ChannelAccountRef, media: MediaUpload): Promise<{ mediaId: string }> {
    const { accessToken, phoneNumberId } = metaAccessOf(account, 'upload_media');
    const { body } = await this.graph.request<{ id?: string } | undefined>(accessToken, {
      operation: 'upload_media',
      method: 'POST',
      path: graphPath(phoneNumberId, 'media'),
      multipart: [
        { name: 'messaging_product', value: 'whatsapp' },
        { name: 'type', value: media.mimeType },
        {
          name: 'file',
          filename: media.filename,
          contentType: media.mimeType,
          data: media.body,
        },
      ],
    });
    if (!body?.id) throw unexpectedGraphAnswer('upload_media', 'a media id');
    return { mediaId: body.id };
  }
}

function headerText(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? 'application/octet-stream';
}
