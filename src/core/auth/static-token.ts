import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * A secret from the configuration (admin key, metrics token, docs token), compared in constant
 * time: both sides are hashed first, so neither content nor length leaks through timing.
 */
export class StaticToken {
  private readonly digest: Buffer;

  constructor(value: string) {
    this.digest = sha256(value);
  }

  matches(presented: string | undefined): boolean {
    return presented !== undefined && timingSafeEqual(sha256(presented), this.digest);
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
