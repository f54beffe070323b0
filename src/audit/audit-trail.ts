import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { newId } from '@core/database/ids';
import { GENESIS_HASH, hashRecord } from './audit-chain';
import { AuditContextStore } from './audit-context';
import { ACTION_CODE, AuditEntry, AuditRecord, chainOf } from './audit-entry';

/**
 * The one writer of the audit log. `record` appends a row to the tenant's hash chain: it locks
 * the chain's head row (created on the first append), links the new row to the head's hash and
 * moves the head, all in one transaction. Concurrent appends to one chain therefore wait for
 * each other and never fork it; other tenants' chains are not held up.
 *
 * Pass the EntityManager of the transaction making the change, and the row commits (or rolls
 * back) with it: an audited change is never stored without its row.
 */
@Injectable()
export class AuditTrail {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly context: AuditContextStore,
  ) {}

  async record(entry: AuditEntry, manager?: EntityManager): Promise<AuditRecord> {
    if (!ACTION_CODE.test(entry.action)) throw new Error(`Bad audit action code '${entry.action}'`);
    if (manager) return this.append(entry, manager);
    return this.db.transaction((tx) => this.append(entry, tx));
  }

  private async append(entry: AuditEntry, tx: EntityManager): Promise<AuditRecord> {
    const chain = chainOf(entry.tenantId);
    const request = this.context.current();
    const actor = entry.actor ?? request?.actor ?? { kind: 'system' as const, id: null };
    await tx.query(
      `INSERT INTO audit_chain_heads (chain, seq, hash) VALUES ($1, 0, $2)
       ON CONFLICT (chain) DO NOTHING`,
      [chain, GENESIS_HASH],
    );
    const heads: { seq: string; hash: string }[] = await tx.query(
      `SELECT seq, hash FROM audit_chain_heads WHERE chain = $1 FOR UPDATE`,
      [chain],
    );
    const unhashed = {
      id: newId(),
      chain,
      seq: Number(heads[0].seq) + 1,
      tenantId: entry.tenantId,
      // Read after the lock, so time order follows chain order.
      occurredAt: new Date(),
      actorKind: actor.kind,
      actorId: actor.id,
      action: entry.action,
      resourceType: entry.resource.type,
      resourceId: entry.resource.id ?? null,
      requestId: request?.requestId ?? null,
      prevHash: heads[0].hash,
    };
    const record: AuditRecord = { ...unhashed, hash: hashRecord(unhashed) };
    await tx.query(
      `INSERT INTO audit_log (id, chain, seq, tenant_id, occurred_at, actor_kind, actor_id, action,
         resource_type, resource_id, request_id, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        record.id,
        record.chain,
        record.seq,
        record.tenantId,
        record.occurredAt,
        record.actorKind,
        record.actorId,
        record.action,
        record.resourceType,
        record.resourceId,
        record.requestId,
        record.prevHash,
        record.hash,
      ],
    );
    await tx.query(`UPDATE audit_chain_heads SET seq = $2, hash = $3 WHERE chain = $1`, [
      chain,
      record.seq,
      record.hash,
    ]);
    return record;
  }
}
