import type { DataSource } from 'typeorm';
import type { AppConfig } from '@config/app-config';
import { AuditLogRepository } from './audit-log.repository';
import { AuditVerifier, ChainVerdict } from './audit-verifier';
import { CheckpointSigner } from './checkpoint-signer';

/**
 * The `audit:verify` CLI's work, outside Nest: verifies one chain (a tenant id, or `platform`)
 * or all of them and describes each in one line. `ok` is false when any chain is broken.
 */
export async function verifyChains(
  dataSource: DataSource,
  config: AppConfig,
  chain?: string,
): Promise<{ ok: boolean; lines: string[] }> {
  const verifier = new AuditVerifier(
    new AuditLogRepository(dataSource),
    new CheckpointSigner(config),
  );
  const verdicts = chain ? [await verifier.verify(chain)] : await verifier.verifyAll();
  return { ok: verdicts.every((verdict) => verdict.ok), lines: verdicts.map(describe) };
}

function describe(v: ChainVerdict): string {
  const span = `rows ${v.checkpointSeq + 1}..${v.headSeq}, ${v.checked} checked`;
  if (v.ok) return `${v.chain}: ok (${span})`;
  const at = v.firstBroken;
  const row = at?.id ? ` (row ${at.id})` : '';
  return `${v.chain}: BROKEN at seq ${at?.seq}${row}: ${at?.reason} (${span})`;
}
