import { createServer, Server } from 'node:https';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECEIVER_CA } from '@test/fakes/webhook-receiver/webhook-receiver';

const KEY = readFileSync(join(__dirname, '..', 'webhook-receiver', 'tls', 'key.pem'));

/** One file the CDN holds, by the `asset_id` of its signed URL. */
export interface CdnAsset {
  bytes: Buffer;
  contentType: string;
}

export interface CdnRequest {
  host: string;
  path: string;
  headers: IncomingHttpHeaders;
}

/**
 * Meta's Instagram messaging CDN over HTTPS, as webhooks' attachment URLs use it:
 * `GET /ig_messaging_cdn/?asset_id=<id>&signature=<sig>` answers the file with its
 * Content-Type and Content-Length, no authentication (the URL is signed). An `expire`d asset
 * answers 403 as a signed URL past its expiry does; `redirect` makes an asset's URL answer 302
 * to another URL (the lookaside host hands files to CDN edges that way). The certificate is
 * the test receivers' (`*.receiver.test`), so it listens as `<name>.receiver.test`.
 */
export class InstagramCdnFake {
  readonly requests: CdnRequest[] = [];
  private readonly assets = new Map<string, CdnAsset>();
  private readonly expired = new Set<string>();
  private readonly redirects = new Map<string, string>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<InstagramCdnFake> {
    const server = createServer({ key: KEY, cert: RECEIVER_CA });
    const fake = new InstagramCdnFake(server);
    server.on('request', (req, res) => {
      req.resume();
      req.on('end', () => fake.answer(req.headers, req.url ?? '/', res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Holds `asset` and returns its signed URL on `host` (a `*.receiver.test` name). */
  put(assetId: string, asset: CdnAsset, host = 'lookaside.receiver.test'): string {
    this.assets.set(assetId, asset);
    return this.urlOf(assetId, host);
  }

  urlOf(assetId: string, host = 'lookaside.receiver.test'): string {
    return `https://${host}:${this.port}/ig_messaging_cdn/?asset_id=${assetId}&signature=sig${assetId}`;
  }

  expire(assetId: string): void {
    this.expired.add(assetId);
  }

  redirect(assetId: string, to: string): void {
    this.redirects.set(assetId, to);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(headers: IncomingHttpHeaders, rawPath: string, res: ServerResponse): void {
    this.requests.push({ host: String(headers.host), path: rawPath, headers });
    const url = new URL(rawPath, 'https://cdn.invalid');
    const assetId = url.searchParams.get('asset_id') ?? '';
    const signed = url.searchParams.get('signature') === `sig${assetId}`;
    const redirect = this.redirects.get(assetId);
    if (url.pathname === '/ig_messaging_cdn/' && signed && redirect) {
      res.writeHead(302, { location: redirect, 'content-length': '0' }).end();
      return;
    }
    const asset = this.assets.get(assetId);
    if (url.pathname !== '/ig_messaging_cdn/' || !signed || !asset) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    if (this.expired.has(assetId)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('URL signature expired');
      return;
    }
    res
      .writeHead(200, {
        'content-type': asset.contentType,
        'content-length': String(asset.bytes.length),
      })
      .end(asset.bytes);
  }
}
