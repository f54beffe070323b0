import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { inBatches } from '@core/database/in-batches';
import { PLATFORM_CHAIN } from './audit-entry';
import { AuditLogRepository } from './audit-log.repository';
import { AuditVerifier } from './audit-verifier';
import { AuditTrail } from './audit-trail';
import { CheckpointSigner } from './checkpoint-signer';

export interface AuditPruneResult {
  chain: string;
  removed: number;
  /** The seq the chain now starts after (its signed checkpoint). */
  checkpointSeq: number | null;
  /** Set when the prefix failed verification: nothing was signed or removed. */
  refused?: string;
}

/**
 * Removes a chain's rows older than a cutoff, as a whole prefix: first a checkpoint is signed
 * over the hash of the last row to go (in a transaction holding the chain's head, so no append
 * races it), then audit_prune() deletes the covered rows in small batches. The rest of the
 * chain verifies from the checkpoint. A prefix that does not verify is never signed over:
 * signing would launder the tampering.
 */
@Injectable()
export class AuditRetention {
  private readonly logger = new Logger(AuditRetention.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly log: AuditLogRepository,
    private readonly verifier: AuditVerifier,
    private readonly signer: CheckpointSigner,
    private readonly trail: AuditTrail,
  ) {}

  async prune(chain: string, before: Date): Promise<AuditPruneResult> {
    const end = await this.db.transaction(async (tx) => {
      await this.log.head(chain, tx, true);
      const last = await this.log.lastBefore(chain, before, tx);
      const current = await this.log.checkpoint(chain, tx);
      if (!last || (current && last.seq <= current.throughSeq))
        return { seq: current?.throughSeq ?? null };
      const verdict = await this.verifier.verify(chain, last.seq);
      if (!verdict.ok) return { seq: current?.throughSeq ?? null, refused: verdict.firstBroken };
      await this.log.saveCheckpoint(this.signer.sign(chain, last.seq, last.hash), tx);
      return { seq: last.seq };
    });
    if ('refused' in end && end.refused) {
      this.logger.error({ chain, broken: end.refused }, 'Audit chain broken; retention refused');
      return { chain, removed: 0, checkpointSeq: end.seq, refused: end.refused.reason };
    }
    const removed = await inBatches((limit) => this.log.prune(chain, limit), {
      batchSize: 1_000,
      maxBatches: 100,
    });
    // The chain itself tells an auditor that its start was removed by retention, and when.
    if (removed > 0)
      await this.trail.record({
        action: 'audit.pruned',
        tenantId: chain === PLATFORM_CHAIN ? null : chain,
        resource: { type: 'audit_checkpoint', id: String(end.seq) },
        actor: { kind: 'system', id: 'retention' },
      });
    return { chain, removed, checkpointSeq: end.seq };
  }
}
