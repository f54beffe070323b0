import { Injectable } from '@nestjs/common';
import { isIP } from 'node:net';
import { AppConfig } from '@config/app-config';
import { PlatformError } from '@core/errors/platform-error';
import { HostResolver } from './host-resolver';
import { LinkForm, checkLinkForm } from './link-form';
import { LinkRefusedError } from './link-refused.error';
import { refusedRangeOf } from './refused-addresses';

/** getaddrinfo answers that mean "this name has no address", not "ask again later". */
const NO_SUCH_HOST = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA']);

/** Where a call names itself in errors: hub and operation. */
type CallName = { hub: string; operation: string };

/**
 * What resolving a host decided: the addresses that may be connected to, or why none may.
 * 'refused' and 'no-such-host' are permanent; 'timeout' and 'dns-error' mean DNS could not
 * answer now (retryable).
 */
export type HostVerdict =
  | { kind: 'addresses'; addresses: string[] }
  | { kind: 'refused'; range: string }
  | { kind: 'no-such-host' }
  | { kind: 'timeout' }
  | { kind: 'dns-error'; code: string };

/**
 * The one check for URLs Omnihub hands to a platform to fetch (media `link`s for Meta, media
 * URLs for Evolution API) or fetches itself (tenant webhooks, alert channels, TikTok images).
 * Refused, permanently:
 * - anything checkLinkForm refuses (not https, user info, internal names, literal private IPs);
 * - a port other than 443: a public address's other ports are often its admin ports;
 * - a name any of whose addresses is loopback, private, link-local, CGNAT, metadata, multicast
 *   or reserved (refusedRangeOf): the platform may connect to any of them.
 * Hosts named in OUTBOUND_URL_ALLOWLIST (an internal media server) skip the port and address
 * checks, never the form checks. `subject` names what is refused in the error.
 *
 * URLs Omnihub fetches itself are not checked here and then resolved again by the HTTP client
 * (a rebinding DNS server could answer a public address to the check and a private one to the
 * connection): they go through PlatformHttpClient with `publicLink`, whose agent resolves once
 * with `verdictFor` and connects to exactly the addresses it passed (PinnedLookup).
 * Links a platform fetches are checked, not fetched: that platform resolves the name again and
 * follows redirects, which remains for its own network policy (see the README's security notes).
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
  async assertPublic(raw: string, call: CallName, subject = 'media link'): Promise<void> {
    const { host } = this.assertForm(raw, call, subject);
    // An allow-listed host need not even resolve here: a platform may reach it where we cannot.
    if (isIP(host) || this.config.outboundHttp.allowedHosts.has(host)) return;
    const verdict = await this.verdictFor(host);
    if (verdict.kind !== 'addresses') throw this.errorFor(verdict, host, call, subject);
  }

  /**
   * The checks that need no DNS: the link's form and, unless its host is allow-listed, port
   * 443. An IP literal that passes is public. Returns the parsed link; throws LinkRefusedError.
   */
  assertForm(raw: string, call: CallName, subject: string): LinkForm {
    const form = checkLinkForm(raw);
    if ('refused' in form) throw new LinkRefusedError(call, `${subject} ${form.refused}`);
    if (!this.config.outboundHttp.allowedHosts.has(form.host) && form.url.port !== '') {
      throw new LinkRefusedError(call, `${subject} to ${form.url.host} uses a port other than 443`);
    }
    return form;
  }

  /**
   * Resolves `host` once and judges every address it answers: all of them may be connected to
   * (any one refused refuses the name), or the reason none may. An allow-listed host's
   * addresses are not judged.
   */
  async verdictFor(host: string): Promise<HostVerdict> {
    let addresses: string[];
    try {
      addresses = await this.resolveWithin(host, this.config.outboundHttp.timeoutMs);
    } catch (error) {
      if (error instanceof ResolveTimedOut) return { kind: 'timeout' };
      const raw = (error as { code?: unknown }).code;
      const code = typeof raw === 'string' ? raw : 'error';
      return NO_SUCH_HOST.has(code) ? { kind: 'no-such-host' } : { kind: 'dns-error', code };
    }
    if (addresses.length === 0) return { kind: 'no-such-host' };
    if (this.config.outboundHttp.allowedHosts.has(host)) return { kind: 'addresses', addresses };
    for (const address of addresses) {
      const range = refusedRangeOf(address);
      if (range) return { kind: 'refused', range };
    }
    return { kind: 'addresses', addresses };
  }

  /** The error a call fails with when `verdict` gave it no address to connect to. */
  errorFor(
    verdict: Exclude<HostVerdict, { kind: 'addresses' }>,
    host: string,
    call: CallName,
    subject: string,
  ): PlatformError {
    const prefix = `${call.hub} ${call.operation}`;
    switch (verdict.kind) {
      case 'refused':
        return new LinkRefusedError(
          call,
          `${subject} host ${host} resolves to a ${verdict.range} address`,
        );
      case 'no-such-host':
        return new LinkRefusedError(call, `${subject} host ${host} does not resolve`);
      case 'timeout':
        return new PlatformError(
          call.hub,
          call.operation,
          'timeout',
          `${prefix}: resolving the ${subject} host took over ${this.config.outboundHttp.timeoutMs} ms`,
        );
      case 'dns-error':
        return new PlatformError(
          call.hub,
          call.operation,
          'network',
          `${prefix}: could not resolve the ${subject} host (${verdict.code})`,
        );
    }
  }

  private async resolveWithin(host: string, timeoutMs: number): Promise<string[]> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ResolveTimedOut()), timeoutMs);
    });
    try {
      return await Promise.race([this.resolver.resolve(host), expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}

class ResolveTimedOut extends Error {}
