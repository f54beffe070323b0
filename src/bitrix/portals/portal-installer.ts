import { Injectable, Logger } from '@nestjs/common';
import { PlatformHttpClient } from '@core/http/platform-http.client';
import { ConnectorSetup } from '../connector/connector-setup';
import { bitrixErrorMapper } from '../rest/bitrix-errors';
import type { PortalGrant } from './bitrix-portal';
import { BitrixPortalsRepository } from './bitrix-portals.repository';
import { handlerUrlOf } from './handler-url';
import { PortalAudit } from './portal-audit';
import { AppConfig } from '@config/app-config';

/**
 * ONAPPINSTALL: the portal hands us its first tokens and the application token. Before they
 * are kept, the access token must work at the portal's own REST (`app.info`): an install
 * posted by anyone else who learnt the handler URL would carry tokens the portal refuses.
 * A redelivered install after the portal went active is ignored (its tokens are older than the
 * ones refreshes stored since).
 */
@Injectable()
export class PortalInstaller {
  private readonly logger = new Logger(PortalInstaller.name);

  constructor(
    private readonly portals: BitrixPortalsRepository,
    private readonly http: PlatformHttpClient,
    private readonly connector: ConnectorSetup,
    private readonly config: AppConfig,
    private readonly audit: PortalAudit,
  ) {}

  async install(
    portalId: string,
    grant: PortalGrant & { applicationToken: string },
  ): Promise<void> {
    const portal = await this.portals.byId(portalId);
    if (!portal || portal.status === 'active') return;
    if (grant.clientEndpoint !== `${portal.portalUrl}/rest/`) return;
    const proven = await this.http
      .request({
        hub: 'bitrix',
        operation: 'app_info',
        baseUrl: grant.clientEndpoint,
        method: 'POST',
        path: 'app.info',
        json: { auth: grant.accessToken },
        errorMapper: bitrixErrorMapper,
      })
      .then(() => true)
      .catch(() => false);
    if (!proven) {
      this.logger.warn({ portalId }, 'ONAPPINSTALL tokens refused by the portal; install ignored');
      return;
    }
    await this.portals.storeGrant(portalId, grant, grant.applicationToken);
    // The portal's admin installed the app: Bitrix24 is the only witness we have.
    await this.audit.record('installed', portal.tenantId, portalId, {
      kind: 'platform',
      id: 'bitrix24',
    });
    await this.connector.connect(portalId, handlerUrlOf(this.config, portalId));
  }
}
