import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { MetaCloudAccount } from './meta-cloud.credentials';
import { DomainError } from '@core/errors/domain-error';
import { capBytes } from '@core/http/byte-cap';
import { trustedMediaUrl } from './media-download-url';
import { metaAccessOf } from './meta-cloud.credentials';
import { MetaGraphClient, graphPath } from '@app/meta/graph/meta-graph.client';
import { unexpectedGraphAnswer } from './cloud-api-graph';

export interface DownloadedMedia {
  /** The file's bytes as they arrive; fails with MediaTooLargeError past the cap. */
  body: Readable;
  mimeType: string;
  /** As Meta reports it for the file. */
  sha256?: string;
  fileSize?: number;
  /** The download's Content-Length, when Meta's CDN sent one. */
  contentLength?: number;
}

/** A file larger than this deployment serves (MEDIA_DOWNLOAD_MAX_BYTES). */
export class MediaTooLargeError extends DomainError {
  constructor(maxBytes: number, size?: number) {
    super(
      'WHATSAPP.MEDIA_TOO_LARGE',
      'unprocessable',
      `The media file is ${size === undefined ? 'larger than' : `${size} bytes; over`} the ` +
        `${maxBytes} bytes this server serves (MEDIA_DOWNLOAD_MAX_BYTES)`,
    );
  }
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

  /**
   * Streams the file, never holding it whole: refused before any byte moves when Meta's lookup
   * or the download's Content-Length says it is over `maxBytes`, and cut off (the stream
   * fails) if more bytes arrive than that anyway.
   */
  async download(
    account: MetaCloudAccount,
    mediaId: string,
    maxBytes: number,
  ): Promise<DownloadedMedia> {
    const { accessToken, phoneNumberId } = metaAccessOf(account, 'get_media');
    const { body: lookup } = await this.graph.request<MediaLookup | undefined>(accessToken, {
      operation: 'get_media',
      method: 'GET',
      path: graphPath(mediaId),
      // Meta then answers only for media of this number, not of another number in the WABA.
      query: { phone_number_id: phoneNumberId },
    });
    if (!lookup?.url) throw unexpectedGraphAnswer('get_media', 'a media URL');
    const fileSize = sizeOf(lookup.file_size);
    if (fileSize !== undefined && fileSize > maxBytes) {
      throw new MediaTooLargeError(maxBytes, fileSize);
    }
    const url = trustedMediaUrl(lookup.url, this.graph.versionedBaseUrl);
    const file = await this.graph.request<Readable>(accessToken, {
      operation: 'download_media',
      method: 'GET',
      baseUrl: url,
      path: '',
      responseType: 'stream',
    });
    const contentLength = sizeOf(headerText(file.headers, 'content-length'));
    if (contentLength !== undefined && contentLength > maxBytes) {
      // Not read: the connection is dropped (undici reports that as an error, expected here).
      file.body.on('error', () => undefined).destroy();
      throw new MediaTooLargeError(maxBytes, contentLength);
    }
    return {
      body: capBytes(file.body, maxBytes, () => new MediaTooLargeError(maxBytes)),
      mimeType:
        lookup.mime_type ?? headerText(file.headers, 'content-type') ?? 'application/octet-stream',
      sha256: lookup.sha256,
      fileSize,
      contentLength,
    };
  }

  async upload(account: MetaCloudAccount, media: MediaUpload): Promise<{ mediaId: string }> {
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

function headerText(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A byte count as Meta writes it (a number or a numeric string), if it is one. */
function sizeOf(value: number | string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const size = Number(value);
  return Number.isSafeInteger(size) && size >= 0 ? size : undefined;
}
