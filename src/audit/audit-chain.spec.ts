import { GENESIS_HASH, checkLink, hashRecord } from './audit-chain';
import type { AuditRecord } from './audit-entry';

function row(seq: number, prevHash: string, action = 'api_key.created'): AuditRecord {
  const base = {
    id: `00000000-0000-7000-8000-00000000000${seq}`,
    chain: 'tenant-a',
    seq,
    tenantId: null,
    occurredAt: new Date('2026-01-01T00:00:00.000Z'),
    actorKind: 'api_key' as const,
    actorId: 'key-1',
    action,
    resourceType: 'api_key',
    resourceId: 'key-2',
    requestId: 'req-1',
    prevHash,
  };
  return { ...base, hash: hashRecord(base) };
}

describe('audit chain', () => {
  it('accepts rows that link to the hash before them', () => {
    const first = row(1, GENESIS_HASH);
    const second = row(2, first.hash);
    expect(checkLink({ seq: 0, hash: GENESIS_HASH }, first)).toBeNull();
    expect(checkLink({ seq: 1, hash: first.hash }, second)).toBeNull();
  });

  it('finds a row whose fields changed after it was hashed', () => {
    const first = { ...row(1, GENESIS_HASH), action: 'api_key.revoked' };
    expect(checkLink({ seq: 0, hash: GENESIS_HASH }, first)).toMatchObject({
      seq: 1,
      reason: 'hash_mismatch',
    });
  });

  it('finds a row that was re-hashed but no longer links to the row before', () => {
    const first = row(1, GENESIS_HASH);
    const forged = row(2, GENESIS_HASH);
    expect(checkLink({ seq: 1, hash: first.hash }, forged)).toMatchObject({
      seq: 2,
      reason: 'prev_hash_mismatch',
    });
  });

  it('finds a removed row by the gap it leaves', () => {
    const first = row(1, GENESIS_HASH);
    const third = row(3, first.hash);
    expect(checkLink({ seq: 1, hash: first.hash }, third)).toMatchObject({
      seq: 2,
      reason: 'seq_gap',
    });
  });
});
