import { Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { DomainError } from '@core/errors/domain-error';
import { LinkRefusedError } from '@core/http/link-refused.error';
import { PublicLinkGuard } from '@core/http/public-link.guard';

/**
 * A portal URL is where Omnihub sends OAuth codes and REST calls with a tenant's tokens, so it
 * gets the same check as every URL a tenant supplies (PublicLinkGuard: https, port 443, no
 * private, loopback, metadata or internal host): a tenant cannot point Omnihub's requests at
 * the internal network. Hosts in BITRIX_PORTAL_URL_ALLOWLIST (an on-premise Bitrix24) skip it.
 */
@Injectable()
export class PortalUrlPolicy {
  constructor(
    private readonly guard: PublicLinkGuard,
    private readonly config: AppConfig,
  ) {}

  async assertAllowed(portalUrl: string): Promise<void> {
    const host = hostOf(portalUrl);
    if (host && this.config.bitrix.portalUrlAllowlist.has(host)) return;
    try {
      await this.guard.assertPublic(
        portalUrl,
        { hub: 'bitrix', operation: 'add_portal' },
        'portal URL',
      );
    } catch (error) {
      if (!(error instanceof LinkRefusedError)) throw error;
      throw new DomainError('BITRIX.PORTAL_URL_REFUSED', 'unprocessable', error.message);
    }
  }
}

function hostOf(raw: string): string | undefined {
  try {
    return new URL(raw).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
}
