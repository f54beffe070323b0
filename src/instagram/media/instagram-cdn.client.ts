import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { AppConfig } from '@config/app-config';
import type { FetchedMedia } from '@core/channel/media-source';
import { DomainError } from '@core/errors/domain-error';
import { PlatformError } from '@core/errors/platform-error';
import { capBytes } from '@core/http/byte-cap';
import { checkLinkForm } from '@core/http/link-form';
import { LinkRefusedError } from '@core/http/link-refused.error';
import { PlatformHttpClient } from '@core/http/platform-http.client';

const CALL = { hub: 'instagram', operation: 'download_media' } as const;

/**
 * Where Meta serves Instagram messaging files: `lookaside.fbsbx.com/ig_messaging_cdn/...`
 * (the attachment URLs of the webhooks) and the `cdninstagram.com` / `fbcdn.net` CDNs it may
 * redirect to. A webhook signed with a tenant's own app secret could name any URL, so only
 * these (and hosts in OUTBOUND_URL_ALLOWLIST) are fetched: Omnihub is no open proxy.
 */
const META_CDN_DOMAINS = ['fbsbx.com', 'cdninstagram.com', 'fbcdn.net'];
/** Redirects followed within Meta's CDN, each hop checked like the first. */
const MAX_REDIRECTS = 3;
/** What a CDN answers for a signed URL past its expiry (or an asset it no longer has). */
const EXPIRED_STATUSES = new Set([403, 404, 410]);

/** The file's link has expired at Meta's CDN: the file cannot be fetched again. */
export class InstagramMediaExpiredError extends DomainError {
  constructor() {
    super(
      'INSTAGRAM.MEDIA_EXPIRED',
      'unprocessable',
      "Instagram's CDN no longer serves this file: its link has expired (Instagram links " +
        'live a few days) or the sender removed it',
    );
  }
}

/** A file larger than this deployment serves (MEDIA_DOWNLOAD_MAX_BYTES). */
export class InstagramMediaTooLargeError extends DomainError {
  constructor(maxBytes: number, size?: number) {
    super(
      'INSTAGRAM.MEDIA_TOO_LARGE',
      'unprocessable',
      `The media file is ${size === undefined ? 'larger than' : `${size} bytes; over`} the ` +
        `${maxBytes} bytes this server serves (MEDIA_DOWNLOAD_MAX_BYTES)`,
    );
  }
}

/**
 * Downloads a received Instagram file from the CDN URL its webhook carried. The URL is signed
 * by Meta and needs no token, so none is sent (the account's token never leaves for a URL a
 * webhook chose). Every hop must be a Meta CDN host (or allow-listed) and pass the public-link
 * guard, because Omnihub itself fetches it. Streamed, never held whole, capped at `maxBytes`.
 */
@Injectable()
export class InstagramCdnClient {
  constructor(
    private readonly http: PlatformHttpClient,
    private readonly config: AppConfig,
  ) {}

  async download(url: string, maxBytes: number): Promise<FetchedMedia> {
    let next = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
      this.assertFetchable(next);
      let file: { status: number; headers: IncomingHttpHeaders; body: Readable };
      try {
        file = await this.http.request<Readable>({
          ...CALL,
          method: 'GET',
          baseUrl: next,
          path: '',
          responseType: 'stream',
          // Followed here, each hop checked like the first, never by the HTTP agent; each
          // connects only to the addresses the guard judged (no second DNS answer to rebind).
          returnRedirects: true,
          publicLink: { subject: 'media URL' },
        });
      } catch (error) {
        if (error instanceof PlatformError && EXPIRED_STATUSES.has(error.details.status ?? 0)) {
          throw new InstagramMediaExpiredError();
        }
        throw error;
      }
      if (file.status >= 200 && file.status < 300) {
        return streamed(file.headers, file.body, maxBytes);
      }
      const location = headerText(file.headers, 'location');
      if (!location) {
        throw new PlatformError(
          CALL.hub,
          CALL.operation,
          'server',
          `instagram download_media: HTTP ${file.status} without a Location`,
          { status: file.status },
        );
      }
      next = new URL(location, next).toString();
    }
    throw new PlatformError(
      CALL.hub,
      CALL.operation,
      'rejected',
      `instagram download_media: more than ${MAX_REDIRECTS} redirects`,
    );
  }

  private assertFetchable(url: string): void {
    const form = checkLinkForm(url);
    if ('refused' in form) throw new LinkRefusedError(CALL, `media URL ${form.refused}`);
    const { host } = form;
    const onMetaCdn = META_CDN_DOMAINS.some(
      (domain) => host === domain || host.endsWith(`.${domain}`),
    );
    if (!onMetaCdn && !this.config.outboundHttp.allowedHosts.has(host)) {
      throw new LinkRefusedError(CALL, `media URL host ${host} is not Instagram's CDN`);
    }
  }
}

function streamed(headers: IncomingHttpHeaders, body: Readable, maxBytes: number): FetchedMedia {
  const contentLength = sizeOf(headerText(headers, 'content-length'));
  if (contentLength !== undefined && contentLength > maxBytes) {
    // Not read: the connection is dropped (undici reports that as an error, expected here).
    body.on('error', () => undefined).destroy();
    throw new InstagramMediaTooLargeError(maxBytes, contentLength);
  }
  return {
    body: capBytes(body, maxBytes, () => new InstagramMediaTooLargeError(maxBytes)),
    mimeType: headerText(headers, 'content-type') ?? 'application/octet-stream',
    contentLength,
  };
}

function headerText(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sizeOf(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const size = Number(value);
  return Number.isSafeInteger(size) && size >= 0 ? size : undefined;
}
