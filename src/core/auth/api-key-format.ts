import { createHash, randomBytes } from 'node:crypto';

/**
 * Key format: `ohk_` + 32 base62 characters (~190 bits). The fixed prefix lets secret scanners
 * and our auth guard recognise a key; the first 12 characters are kept as its visible prefix.
 * Authentication owns the format (it recognises keys and buckets failed attempts by their
 * prefix); the tenants module issues and stores keys in it.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_PREFIX = 'ohk_';
const RANDOM_LENGTH = 32;
const VISIBLE_LENGTH = 12;

export interface GeneratedApiKey {
  key: string;
  prefix: string;
  hash: Buffer;
}

export function generateApiKey(): GeneratedApiKey {
  let random = '';
  while (random.length < RANDOM_LENGTH) {
    for (const byte of randomBytes(RANDOM_LENGTH)) {
      // Rejection sampling keeps every character equally likely (248 = 4 × 62).
      if (byte < 248 && random.length < RANDOM_LENGTH) random += ALPHABET[byte % 62];
    }
  }
  const key = KEY_PREFIX + random;
  return { key, prefix: key.slice(0, VISIBLE_LENGTH), hash: hashApiKey(key) };
}

const VISIBLE_PREFIX = new RegExp(
  `^${KEY_PREFIX}[0-9A-Za-z]{${VISIBLE_LENGTH - KEY_PREFIX.length}}`,
);

/** The visible prefix (as listed by GET /api-keys) of something shaped like a key, if it is. */
export function visibleKeyPrefix(value: string): string | undefined {
  return VISIBLE_PREFIX.exec(value)?.[0];
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(KEY_PREFIX) && value.length === KEY_PREFIX.length + RANDOM_LENGTH;
}
