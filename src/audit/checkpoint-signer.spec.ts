import { randomBytes } from 'node:crypto';
import type { AppConfig } from '@config/app-config';
import { CheckpointSigner } from './checkpoint-signer';

const ring = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const signerWith = (keyRing: string) => new CheckpointSigner({ secrets: { keyRing } } as AppConfig);

describe('CheckpointSigner', () => {
  const first = ring('k1');
  const signer = signerWith(first);
  const checkpoint = signer.sign('tenant-a', 42, 'a'.repeat(64));

  it('verifies its own checkpoint, also after the key ring rotated', () => {
    expect(signer.verify(checkpoint)).toBe(true);
    expect(signerWith(`${ring('k2')},${first}`).verify(checkpoint)).toBe(true);
  });

  it('refuses a checkpoint whose chain, position or hash was changed', () => {
    expect(signer.verify({ ...checkpoint, chain: 'tenant-b' })).toBe(false);
    expect(signer.verify({ ...checkpoint, throughSeq: 43 })).toBe(false);
    expect(signer.verify({ ...checkpoint, throughHash: 'b'.repeat(64) })).toBe(false);
  });

  it('refuses a checkpoint signed with a key the ring no longer holds', () => {
    expect(signerWith(ring('k1')).verify(checkpoint)).toBe(false);
  });
});
