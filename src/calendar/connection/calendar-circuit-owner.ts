import { Injectable } from '@nestjs/common';
import { CircuitOwner, CircuitOwnerResolver } from '@core/resilience/circuit-owner';
import { GOOGLE_PROVIDER } from './calendar-breaker';
import { CalendarConnectionsRepository } from './calendar-connections.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A Google connection's circuit is its tenant's: alerts about it reach that tenant's channels. */
@Injectable()
@CircuitOwner()
export class CalendarCircuitOwner implements CircuitOwnerResolver {
  readonly hub = 'calendar';
  readonly provider = GOOGLE_PROVIDER;

  constructor(private readonly connections: CalendarConnectionsRepository) {}

  ownerOf(connectionId: string): Promise<string | null> {
    if (!UUID.test(connectionId)) return Promise.resolve(null);
    return this.connections.tenantOf(connectionId);
  }
}
