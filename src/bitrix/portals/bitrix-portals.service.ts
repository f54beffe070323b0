import { AppConfig } from '@config/app-config';
import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '@core/errors/domain-error';
import { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import { isUniqueViolation } from '@core/database/pg-errors';
import { ConnectorSetup } from '../connector/connector-setup';
import { BitrixLinesRepository } from '../connector/bitrix-lines.repository';
import { MirrorItemsRepository } from '../mirror/mirror-items.repository';
import type { BitrixPortal } from './bitrix-portal';
import { BitrixOAuthClient } from './bitrix-oauth.client';
import { BitrixPortalsRepository } from './bitrix-portals.repository';
import { BitrixTenants } from './bitrix-tenants';
import type {
  CreatePortalDto,
  PortalDto,
  PortalStatusDto,
  UpdatePortalDto,
} from './bitrix-portals.dto';
import { handlerUrlOf } from './handler-url';
import { PortalAudit } from './portal-audit';
import { PortalTokens } from './portal-tokens';
import { PortalUrlPolicy } from './portal-url-policy';
import { portalBreaker } from './portal-breaker';

/** A tenant's Bitrix24 portals: CRUD, the authorization-code grant and health. */
@Injectable()
export class BitrixPortalsService {
  constructor(
    private readonly portals: BitrixPortalsRepository,
    private readonly tokens: PortalTokens,
    private readonly oauth: BitrixOAuthClient,
    private readonly connector: ConnectorSetup,
    private readonly lines: BitrixLinesRepository,
    private readonly mirror: MirrorItemsRepository,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly urls: PortalUrlPolicy,
    private readonly config: AppConfig,
    private readonly audit: PortalAudit,
    private readonly tenants: BitrixTenants,
  ) {}

  async create(tenantId: string, input: CreatePortalDto): Promise<PortalDto> {
    await this.urls.assertAllowed(input.portalUrl);
    try {
      const portal = await this.portals.insert({
        tenantId,
        ...input,
        portalUrl: input.portalUrl.replace(/\/+$/, ''),
      });
      this.tenants.added(tenantId);
      await this.audit.record('created', tenantId, portal.id);
      return this.view(portal);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError('BITRIX.PORTAL_EXISTS', 'A portal with this name exists');
      }
      throw error;
    }
  }

  async list(tenantId: string): Promise<PortalDto[]> {
    return (await this.portals.list(tenantId)).map((p) => this.view(p));
  }

  async get(tenantId: string, id: string): Promise<PortalDto> {
    return this.view(await this.find(tenantId, id));
  }

  async update(tenantId: string, id: string, input: UpdatePortalDto): Promise<PortalDto> {
    try {
      const portal = await this.portals.update(tenantId, id, input);
      if (!portal) throw new NotFoundError('Bitrix24 portal', 'BITRIX.PORTAL_NOT_FOUND');
      return this.view(portal);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError('BITRIX.PORTAL_EXISTS', 'A portal with this name exists');
      }
      throw error;
    }
  }

  async delete(tenantId: string, id: string): Promise<void> {
    if (!(await this.portals.delete(tenantId, id)))
      throw new NotFoundError('Bitrix24 portal', 'BITRIX.PORTAL_NOT_FOUND');
    await this.audit.record('deleted', tenantId, id);
  }

  /** The authorization-code grant: tokens for the portal, then our connector registered. */
  async authorize(tenantId: string, id: string, code: string): Promise<PortalDto> {
    const portal = await this.find(tenantId, id);
    const client = await this.tokens.clientOf(portal.id, portal.clientId);
    const grant = await this.oauth.exchangeCode(client, code);
    await this.portals.storeGrant(portal.id, grant);
    await this.audit.record('authorized', tenantId, portal.id);
    await this.connector.connect(portal.id, this.handlerUrl(portal.id));
    return this.view(await this.find(tenantId, id));
  }

  async status(tenantId: string, id: string): Promise<PortalStatusDto> {
    const portal = await this.find(tenantId, id);
    const expires = portal.accessExpiresAt;
    return {
      status: portal.status,
      token: !expires ? 'missing' : expires.getTime() > Date.now() ? 'valid' : 'expired',
      accessExpiresAt: expires,
      connector: portal.connectorState,
      activeLines: (await this.lines.ofPortal(portal.id)).filter((l) => l.active).length,
      lastCallAt: portal.lastCallAt,
      lastError: portal.lastError,
      breaker: this.breakers.state(portalBreaker(portal.id)),
      queueDepth: await this.mirror.pendingCount(portal.id),
    };
  }

  handlerUrl(portalId: string): string {
    return handlerUrlOf(this.config, portalId);
  }

  async find(tenantId: string, id: string): Promise<BitrixPortal> {
    const portal = await this.portals.find(tenantId, id);
    if (!portal) throw new NotFoundError('Bitrix24 portal', 'BITRIX.PORTAL_NOT_FOUND');
    return portal;
  }

  private view(portal: BitrixPortal): PortalDto {
    return {
      id: portal.id,
      name: portal.name,
      portalUrl: portal.portalUrl,
      status: portal.status,
      connectorState: portal.connectorState,
      memberId: portal.memberId,
      clientId: portal.clientId,
      hasOwnClientSecret: portal.hasOwnSecret,
      handlerUrl: this.handlerUrl(portal.id),
      createdAt: portal.createdAt,
    };
  }
}
