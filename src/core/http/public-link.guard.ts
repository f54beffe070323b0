import { Injectable } from '@nestjs/common';
import { isIP } from 'node:net';
import { AppConfig } from '@config/app-config';
import { PlatformError } from '@core/errors/platform-error';
import { HostResolver } from './host-resolver';
import { checkLinkForm } from './link-form';
import { LinkRefusedError } from './link-refused.error';
import { refusedRangeOf } from './refused-addresses';

/** getaddrinfo answers that mean "this name has no address", not "ask again later". */
const NO_SUCH_HOST = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA']);

/**
 * The one check for links a platform fetches on our behalf (media `link`s for Meta, media URLs
 * for Evolution API), made by the provider right before the send leaves, because DNS may have
 * changed since the API accepted the link. Refused, permanently:
 * - anything checkLinkForm refuses (not https, user info, internal names, literal private IPs);
 * - a port other than 443: a public address's other ports are often its admin ports;
 * - a name any of whose addresses is loopback, private, link-local, CGNAT, metadata, multicast
 *   or reserved (refusedRangeOf): the platform may connect to any of them.
 * Hosts named in OUTBOUND_URL_ALLOWLIST (an internal media server) skip the port and address
 * checks, never the form checks. Tenant webhook URLs go through the same check (`subject`
 * names what is refused in the error), since Omnihub itself fetches those.
 *
 * What it cannot see: the platform resolves the name again (a rebinding DNS server could answer
 * differently then) and follows redirects. Links are checked, not fetched, so those remain for
 * the platform's own network policy (see the README's security notes).
 */
@Injectable()
export class PublicLinkGuard {
  constructor(
    private readonly resolver: HostResolver,
    private readonly config: AppConfig,
  ) {}

  /**
   * Resolves when `raw` may be sent; otherwise throws LinkRefusedError, or a retryable
   * PlatformError when DNS could not answer now.
   */
  async assertPublic(
    raw: string,
    call: { hub: string; operation: string },
    subject = 'media link',
  ): Promise<void> {
    const form = checkLinkForm(raw);
    if ('refused' in form) throw new LinkRefusedError(call, `${subject} ${form.refused}`);
    const { url, host } = form;
    if (this.config.outboundHttp.allowedHosts.has(host)) return;
    if (url.port !== '') {
      throw new LinkRefusedError(call, `${subject} to ${url.host} uses a port other than 443`);
    }
    const addresses = isIP(host) ? [host] : await this.addressesOf(host, call, subject);
    for (const address of addresses) {
      const range = refusedRangeOf(address);
      if (range) {
        throw new LinkRefusedError(call, `${subject} host ${host} resolves to a ${range} address`);
      }
    }
  }

  private async addressesOf(
    host: string,
    call: { hub: string; operation: string },
    subject: string,
  ): Promise<string[]> {
    const timeoutMs = this.config.outboundHttp.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new PlatformError(
              call.hub,
              call.operation,
              'timeout',
              `${call.hub} ${call.operation}: resolving the ${subject} host took over ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      const addresses = await Promise.race([this.resolver.resolve(host), expired]);
      if (addresses.length === 0) throw noSuchHost(call, host, subject);
      return addresses;
    } catch (error) {
      if (error instanceof PlatformError) throw error;
      const raw = (error as { code?: unknown }).code;
      const code = typeof raw === 'string' ? raw : 'error';
      if (NO_SUCH_HOST.has(code)) throw noSuchHost(call, host, subject);
      throw new PlatformError(
        call.hub,
        call.operation,
        'network',
        `${call.hub} ${call.operation}: could not resolve the ${subject} host (${code})`,
      );
    } finally {
      clearTimeout(timer);
    }
  }
}

function noSuchHost(
  call: { hub: string; operation: string },
  host: string,
  subject: string,
): LinkRefusedError {
  return new LinkRefusedError(call, `${subject} host ${host} does not resolve`);
}
