import { InvalidConfigError } from '@config/load-config';

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const KEY_BYTES = 32;

/**
 * The AES-256 keys from `SECRETS_KEYS` (`keyId:base64(32 bytes)`, comma-separated, newest first).
 * The newest key seals; every key opens, so values sealed before a rotation stay readable until
 * `rotate-secrets` has re-sealed them. Key material lives in a private field so it never shows
 * up in logs, `util.inspect` or JSON.
 */
export class KeyRing {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly currentKeyId: string;

  private constructor(keys: Map<string, Buffer>, currentKeyId: string) {
    this.#keys = keys;
    this.currentKeyId = currentKeyId;
  }

  /**
   * Parses and checks a key ring. Throws `InvalidConfigError` naming the offending key id (never
   * the key itself) for a malformed entry, a duplicate id or a key that is not 32 bytes.
   */
  static parse(raw: string): KeyRing {
    const keys = new Map<string, Buffer>();
    const problems: string[] = [];
    const entries = raw.split(',').map((entry) => entry.trim());
    entries.forEach((entry, index) => {
      const separator = entry.indexOf(':');
      const id = separator > 0 ? entry.slice(0, separator) : '';
      const encoded = entry.slice(separator + 1);
      if (!KEY_ID.test(id)) {
        problems.push(`SECRETS_KEYS entry #${index + 1} needs an id of [A-Za-z0-9_-]{1,32}`);
        return;
      }
      if (keys.has(id)) {
        problems.push(`SECRETS_KEYS has key id "${id}" more than once`);
        return;
      }
      const key = Buffer.from(encoded, 'base64');
      // Canonical base64 only: Node skips stray characters, which would hide a truncated key.
      if (key.length !== KEY_BYTES || key.toString('base64') !== encoded) {
        problems.push(`SECRETS_KEYS key "${id}" must be the base64 of exactly ${KEY_BYTES} bytes`);
        return;
      }
      keys.set(id, key);
    });
    if (problems.length > 0) throw new InvalidConfigError(problems);
    return new KeyRing(keys, entries[0].slice(0, entries[0].indexOf(':')));
  }

  get currentKey(): Buffer {
    return this.#keys.get(this.currentKeyId) as Buffer;
  }

  key(id: string): Buffer | undefined {
    return this.#keys.get(id);
  }

  get keyIds(): readonly string[] {
    return [...this.#keys.keys()];
  }
}
