import { Injectable } from '@nestjs/common';
import type { Principal } from '@core/auth/principal';
import { NotFoundError } from '@core/errors/domain-error';
import { BreakerKey } from '@core/resilience/breaker-key';
import { CircuitBoard, ClusterCircuit } from '@core/resilience/circuit-board';
import { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import { AccountHealthQuery } from '@app/messaging/operations/account-health.query';
import { HubHealthService } from '../health/hub-health.service';
import { HubAudit } from '../hub-audit';
import { Scope, scopeOf } from '../scope';

export interface ResetRequest {
  hub: string;
  provider?: string;
  /** A channel account id. */
  account?: string;
}

/**
 * Circuit states as the cluster sees them, and resets that reach every pod. A tenant sees and
 * resets only its own accounts' circuits; another tenant's account answers 404.
 */
@Injectable()
export class CircuitsService {
  constructor(
    private readonly board: CircuitBoard,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly accounts: AccountHealthQuery,
    private readonly health: HubHealthService,
    private readonly audit: HubAudit,
  ) {}

  async status(scope: Scope): Promise<ClusterCircuit[]> {
    const circuits = await this.board.cluster();
    if (!scope.tenantId) return circuits;
    const own = new Set((await this.accounts.list(scope)).map((account) => account.id));
    return circuits.filter((circuit) => own.has(circuit.account));
  }

  /**
   * Closes the matching circuits on every pod (each reset goes out on the reset channel) and
   * audits each circuit reset (`circuit.reset`, in the chain of the account's tenant). Matches what the board shows plus the named account, so an account
   * whose only open circuit sits on a pod that has not published yet is still reset.
   */
  async reset(principal: Principal, request: ResetRequest): Promise<{ reset: BreakerKey[] }> {
    this.health.assertHub(request.hub);
    const scope = scopeOf(principal);
    const accounts = await this.accounts.list({ ...scope, hub: request.hub });
    if (request.account && !accounts.some((account) => account.id === request.account)) {
      throw new NotFoundError('Channel account', 'CHANNEL_ACCOUNT.NOT_FOUND');
    }
    const own = new Set(accounts.map((account) => account.id));
    const matches = (key: BreakerKey) =>
      key.hub === request.hub &&
      (!request.provider || key.provider === request.provider) &&
      (!request.account || key.account === request.account) &&
      (!scope.tenantId || own.has(key.account));
    const keys: BreakerKey[] = (await this.board.cluster())
      .filter(matches)
      .map(({ hub, provider, account }) => ({ hub, provider, account }));
    const named = accounts.find((account) => account.id === request.account);
    if (named && !keys.some((key) => key.account === named.id && key.provider === named.provider)) {
      keys.push({ hub: named.hub, provider: named.provider, account: named.id });
    }
    const done: BreakerKey[] = [];
    try {
      for (const key of keys) {
        await this.breakers.reset(key);
        done.push(key);
      }
    } finally {
      const tenantOf = new Map(accounts.map((account) => [account.id, account.tenantId]));
      await this.audit.record(
        done.map((key) => ({
          action: 'circuit.reset',
          tenantId: tenantOf.get(key.account) ?? scope.tenantId ?? null,
          resource: { type: 'circuit', id: `${key.hub}/${key.provider}/${key.account}` },
        })),
      );
    }
    return { reset: done };
  }
}
