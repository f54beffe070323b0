import { PlatformError } from '@core/errors/platform-error';
import { unexpectedGraphAnswer } from './cloud-api-graph';

/**
 * The media URL from a Graph lookup, if the account's token may follow it: the download
 * carries that token, so it only goes over HTTPS, or to the Graph base's own origin (a proxy
 * or a local fake configured as META_GRAPH_BASE_URL). Returned unchanged: the URL is signed.
 */
export function trustedMediaUrl(raw: string, graphBaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw unexpectedGraphAnswer('get_media', 'a valid media URL');
  }
  if (url.protocol !== 'https:' && url.origin !== new URL(graphBaseUrl).origin) {
    throw new PlatformError(
      'whatsapp',
      'download_media',
      'rejected',
      `whatsapp download_media: refusing to send the access token to ${url.protocol}//${url.host}`,
    );
  }
  return raw;
}
