import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Principal } from '@core/auth/principal';
import { newId } from '@core/database/ids';

export type HubOperation = 'circuit.reset' | 'dead-letters.retry' | 'dead-letters.discard';

/**
 * The audit trail of operator actions on hubs (table hub_operations). Written after the action,
 * with what it did: an action that failed half way is recorded with what did happen.
 */
@Injectable()
export class HubOperationsLog {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async record(
    principal: Principal,
    action: HubOperation,
    target: Record<string, unknown>,
    result: Record<string, unknown>,
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO hub_operations (id, actor, tenant_id, action, target, result)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [newId(), actorOf(principal), tenantOf(principal), action, target, result],
    );
  }
}

function actorOf(principal: Principal): string {
  if (principal.role === 'admin') return 'admin';
  return principal.via === 'api-key'
    ? `api-key:${principal.apiKeyId}`
    : `jwt:${principal.subject ?? 'unknown'}`;
}

function tenantOf(principal: Principal): string | null {
  return principal.role === 'tenant' ? principal.tenantId : null;
}
