import { createHash } from 'node:crypto';
import type { AuditRecord } from './audit-entry';

/** The `prev_hash` of a chain's first row. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The hash of a row: SHA-256 over a JSON array of every stored field but the hash itself, in a
 * fixed order (an array, so no key-order ambiguity). Any change to a field, or to the link to
 * the row before, changes it. Versioned so the layout can change without breaking old rows.
 */
export function hashRecord(record: Omit<AuditRecord, 'hash'>): string {
  const fields = [
    'v1',
    record.chain,
    String(record.seq),
    record.tenantId,
    record.occurredAt.toISOString(),
    record.actorKind,
    record.actorId,
    record.action,
    record.resourceType,
    record.resourceId,
    record.requestId,
    record.prevHash,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

export interface BrokenLink {
  seq: number;
  id: string | null;
  reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'seq_gap' | 'missing_tail' | 'bad_checkpoint';
}

/** Where a chain walk stands: the last seq and hash seen (or the checkpoint's, at the start). */
export interface ChainPosition {
  seq: number;
  hash: string;
}

/**
 * Checks the next row against the position before it; returns the broken link, if any.
 * Pure, so a verifier can stream a chain page by page through it.
 */
export function checkLink(position: ChainPosition, record: AuditRecord): BrokenLink | null {
  if (record.seq !== position.seq + 1)
    return { seq: position.seq + 1, id: null, reason: 'seq_gap' };
  if (record.prevHash !== position.hash)
    return { seq: record.seq, id: record.id, reason: 'prev_hash_mismatch' };
  if (hashRecord(record) !== record.hash)
    return { seq: record.seq, id: record.id, reason: 'hash_mismatch' };
  return null;
}
