import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuditRecord } from './audit-entry';
import type { Checkpoint } from './checkpoint-signer';

const COLUMNS = `id, chain, seq::int AS seq, tenant_id AS "tenantId", occurred_at AS "occurredAt",
  actor_kind AS "actorKind", actor_id AS "actorId", action, resource_type AS "resourceType",
  resource_id AS "resourceId", request_id AS "requestId", prev_hash AS "prevHash", hash`;

export interface AuditFilter {
  tenantId: string | null;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  actorKind?: string;
  actorId?: string;
  since?: Date;
  until?: Date;
  after?: string;
  limit: number;
}

/** Reads of the audit log; the only writes are AuditTrail's appends and audit_prune(). */
@Injectable()
export class AuditLogRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Rows of a chain after `afterSeq`, in chain order, up to `throughSeq`. */
  async chainPage(
    chain: string,
    afterSeq: number,
    throughSeq: number,
    limit: number,
  ): Promise<AuditRecord[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM audit_log WHERE chain = $1 AND seq > $2 AND seq <= $3
        ORDER BY seq LIMIT $4`,
      [chain, afterSeq, throughSeq, limit],
    );
  }

  async head(chain: string, tx: EntityManager = this.db.manager, lock = false) {
    const rows: { seq: number; hash: string }[] = await tx.query(
      `SELECT seq::int AS seq, hash FROM audit_chain_heads WHERE chain = $1${lock ? ' FOR UPDATE' : ''}`,
      [chain],
    );
    return rows[0];
  }

  async checkpoint(
    chain: string,
    tx: EntityManager = this.db.manager,
  ): Promise<Checkpoint | undefined> {
    const rows: Checkpoint[] = await tx.query(
      `SELECT chain, through_seq::int AS "throughSeq", through_hash AS "throughHash",
              key_id AS "keyId", signature
         FROM audit_checkpoints WHERE chain = $1`,
      [chain],
    );
    return rows[0];
  }

  async saveCheckpoint(checkpoint: Checkpoint, tx: EntityManager): Promise<void> {
    await tx.query(
      `INSERT INTO audit_checkpoints (chain, through_seq, through_hash, key_id, signature)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (chain) DO UPDATE SET through_seq = EXCLUDED.through_seq,
         through_hash = EXCLUDED.through_hash, key_id = EXCLUDED.key_id,
         signature = EXCLUDED.signature, created_at = now()`,
      [
        checkpoint.chain,
        checkpoint.throughSeq,
        checkpoint.throughHash,
        checkpoint.keyId,
        checkpoint.signature,
      ],
    );
  }

  /** The last row of a chain older than `before`, the end of the prefix retention removes. */
  async lastBefore(chain: string, before: Date, tx: EntityManager) {
    const rows: { seq: number; hash: string }[] = await tx.query(
      `SELECT seq::int AS seq, hash FROM audit_log WHERE chain = $1 AND occurred_at < $2
        ORDER BY seq DESC LIMIT 1`,
      [chain, before],
    );
    return rows[0];
  }

  /** Deletes up to `limit` rows the chain's checkpoint covers (the trigger allows no other). */
  async prune(chain: string, limit: number): Promise<number> {
    const rows: { removed: number }[] = await this.db.query(
      `SELECT audit_prune($1, $2) AS removed`,
      [chain, limit],
    );
    return rows[0].removed;
  }

  async chains(): Promise<string[]> {
    const rows: { chain: string }[] = await this.db.query(
      `SELECT chain FROM audit_chain_heads ORDER BY chain`,
    );
    return rows.map((row) => row.chain);
  }

  /** A page of a tenant's rows (or the platform's, for null), newest id last. */
  async list(filter: AuditFilter): Promise<AuditRecord[]> {
    const where: string[] = [];
    // Only parameters the SQL uses: PostgreSQL cannot type an unreferenced one (a 500).
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.tenantId === null) where.push('tenant_id IS NULL');
    else add('tenant_id = ?', filter.tenantId);
    if (filter.action) add('action = ?', filter.action);
    if (filter.resourceType) add('resource_type = ?', filter.resourceType);
    if (filter.resourceId) add('resource_id = ?', filter.resourceId);
    if (filter.actorKind) add('actor_kind = ?', filter.actorKind);
    if (filter.actorId) add('actor_id = ?', filter.actorId);
    if (filter.since) add('occurred_at >= ?', filter.since);
    if (filter.until) add('occurred_at < ?', filter.until);
    if (filter.after) add('id > ?', filter.after);
    params.push(filter.limit);
    return this.db.query(
      `SELECT ${COLUMNS} FROM audit_log WHERE ${where.join(' AND ')}
        ORDER BY id LIMIT $${params.length}`,
      params,
    );
  }
}
