import { Injectable } from '@nestjs/common';
import { CircuitOwner, CircuitOwnerResolver } from '@core/resilience/circuit-owner';
import { BitrixPortalsRepository } from './bitrix-portals.repository';
import { BITRIX_PROVIDER } from './portal-breaker';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A portal's circuit is its tenant's: alerts about it reach that tenant's channels. */
@Injectable()
@CircuitOwner()
export class PortalCircuitOwner implements CircuitOwnerResolver {
  readonly hub = 'bitrix';
  readonly provider = BITRIX_PROVIDER;

  constructor(private readonly portals: BitrixPortalsRepository) {}

  async ownerOf(portalId: string): Promise<string | null> {
    if (!UUID.test(portalId)) return null;
    return (await this.portals.byId(portalId))?.tenantId ?? null;
  }
}
