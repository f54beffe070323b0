import { Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { hmacSha256, safeEqual } from '@core/crypto/hmac';
import { KeyRing } from '@core/crypto/key-ring';

/** The signed statement that a chain's rows up to `throughSeq` ended in `throughHash`. */
export interface Checkpoint {
  chain: string;
  throughSeq: number;
  throughHash: string;
  keyId: string;
  signature: string;
}

/**
 * Signs retention checkpoints with HMAC-SHA256 under a key derived from SECRETS_KEYS (never the
 * AES key itself: one key, one purpose). Whoever can write the database but not read the key
 * ring cannot forge a checkpoint to hide deleted rows. The key id is kept with the checkpoint,
 * so one signed before a key rotation still verifies while its key stays in the ring.
 */
@Injectable()
export class CheckpointSigner {
  private readonly ring: KeyRing;

  constructor(config: AppConfig) {
    this.ring = KeyRing.parse(config.secrets.keyRing);
  }

  sign(chain: string, throughSeq: number, throughHash: string): Checkpoint {
    const keyId = this.ring.currentKeyId;
    const signature = this.mac(keyId, chain, throughSeq, throughHash) as string;
    return { chain, throughSeq, throughHash, keyId, signature };
  }

  verify(checkpoint: Checkpoint): boolean {
    const expected = this.mac(
      checkpoint.keyId,
      checkpoint.chain,
      checkpoint.throughSeq,
      checkpoint.throughHash,
    );
    return expected !== undefined && safeEqual(expected, checkpoint.signature);
  }

  private mac(keyId: string, chain: string, seq: number, hash: string): string | undefined {
    const key = this.ring.key(keyId);
    if (!key) return undefined;
    const derived = hmacSha256(key, 'omnihub audit checkpoint v1');
    return hmacSha256(derived, JSON.stringify([chain, String(seq), hash])).toString('hex');
  }
}
