import { Injectable } from '@nestjs/common';
import { BrokenLink, ChainPosition, GENESIS_HASH, checkLink } from './audit-chain';
import { AuditLogRepository } from './audit-log.repository';
import { CheckpointSigner } from './checkpoint-signer';

export interface ChainVerdict {
  chain: string;
  ok: boolean;
  /** Rows re-hashed. */
  checked: number;
  /** The seq the walk started after: the retention checkpoint's, or 0. */
  checkpointSeq: number;
  headSeq: number;
  firstBroken: BrokenLink | null;
}

const PAGE = 1_000;

/**
 * Re-computes a chain from its signed checkpoint (or its first row) up to its head, page by
 * page, and reports the first broken link. The head is read first: rows appended while the
 * walk runs are beyond it and left for the next check.
 */
@Injectable()
export class AuditVerifier {
  constructor(
    private readonly log: AuditLogRepository,
    private readonly signer: CheckpointSigner,
  ) {}

  async verify(chain: string, throughSeq?: number): Promise<ChainVerdict> {
    const head = await this.log.head(chain);
    const headSeq = throughSeq ?? head?.seq ?? 0;
    const checkpoint = await this.log.checkpoint(chain);
    const start: ChainPosition = checkpoint
      ? { seq: checkpoint.throughSeq, hash: checkpoint.throughHash }
      : { seq: 0, hash: GENESIS_HASH };
    const verdict = (checked: number, firstBroken: BrokenLink | null): ChainVerdict => ({
      chain,
      ok: firstBroken === null,
      checked,
      checkpointSeq: start.seq,
      headSeq,
      firstBroken,
    });
    if (checkpoint && !this.signer.verify(checkpoint))
      return verdict(0, { seq: checkpoint.throughSeq, id: null, reason: 'bad_checkpoint' });

    let position = start;
    let checked = 0;
    while (position.seq < headSeq) {
      const rows = await this.log.chainPage(chain, position.seq, headSeq, PAGE);
      if (rows.length === 0) break;
      for (const row of rows) {
        const broken = checkLink(position, row);
        if (broken) return verdict(checked, broken);
        position = { seq: row.seq, hash: row.hash };
        checked += 1;
      }
    }
    if (position.seq < headSeq)
      return verdict(checked, { seq: position.seq + 1, id: null, reason: 'missing_tail' });
    if (head && throughSeq === undefined && head.hash !== position.hash)
      return verdict(checked, { seq: head.seq, id: null, reason: 'hash_mismatch' });
    return verdict(checked, null);
  }

  async verifyAll(): Promise<ChainVerdict[]> {
    const verdicts: ChainVerdict[] = [];
    for (const chain of await this.log.chains()) verdicts.push(await this.verify(chain));
    return verdicts;
  }
}
