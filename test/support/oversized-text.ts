import { createHash } from 'node:crypto';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * `length` characters of `alphabet` that PostgreSQL cannot compress, derived from `seed` so a
 * failing run can be replayed. A repeated character would not do: PostgreSQL compresses long
 * index keys before checking the btree row limit (~2,700 bytes), so 'x'.repeat(4000) fits.
 */
export function incompressibleText(length: number, seed: string, alphabet = BASE64URL): string {
  let text = '';
  for (let block = 0; text.length < length; block += 1) {
    for (const byte of createHash('sha256').update(`${seed}:${block}`).digest()) {
      text += alphabet[byte % alphabet.length];
    }
  }
  return text.slice(0, length);
}
