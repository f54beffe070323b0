import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { KeyRing } from './key-ring';
import { SecretUnreadableError } from './secret-unreadable.error';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Secrets at rest (channel credentials, OAuth refresh tokens): AES-256-GCM with the newest key
 * of the ring and a random 96-bit IV.
 *
 * Sealed form: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts), so any key of the ring
 * can open it and rotation can tell stale values from current ones. `context` is bound as
 * additional authenticated data; by convention `<table>.<column>:<rowId>` (see
 * `encryptedColumnContext`), so a ciphertext copied into another row or column fails to open.
 */
export class SecretBox {
  constructor(private readonly ring: KeyRing) {}

  static fromKeyRing(raw: string): SecretBox {
    return new SecretBox(KeyRing.parse(raw));
  }

  get currentKeyId(): string {
    return this.ring.currentKeyId;
  }

  seal(plaintext: string, context: string): string {
    const keyId = this.ring.currentKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.ring.currentKey, iv, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(aad(keyId, context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
    return [VERSION, keyId, ...parts].join('.');
  }

  /** Throws `SecretUnreadableError` (`SECRETS.UNREADABLE`) unless `sealed` is authentic. */
  open(sealed: string, context: string): string {
    const parsed = parse(sealed);
    if (!parsed) throw new SecretUnreadableError('malformed');
    const key = this.ring.key(parsed.keyId);
    if (!key) throw new SecretUnreadableError('unknown-key');
    try {
      const decipher = createDecipheriv(ALGORITHM, key, parsed.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(parsed.keyId, context));
      decipher.setAuthTag(parsed.tag);
      return Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadableError('not-authentic');
    }
  }

  /** False for values sealed with an older key (or not sealed at all): rotation re-seals them. */
  sealedWithCurrentKey(sealed: string): boolean {
    return parse(sealed)?.keyId === this.ring.currentKeyId;
  }

  /**
   * A keyed digest of `plaintext` (HMAC-SHA256 under the current key, bound to `context`), for
   * finding a sealed value by equality without opening it: the same text and context give the
   * same digest until the key rotates; without the key it tells nothing of the text.
   */
  digest(plaintext: string, context: string): string {
    const mac = createHmac('sha256', this.ring.currentKey)
      .update(`digest.${VERSION}\n${context}\n`, 'utf8')
      .update(plaintext, 'utf8');
    return `${this.ring.currentKeyId}.${mac.digest('base64url')}`;
  }

  /** Credentials are usually objects; they are sealed as their JSON text. */
  sealJson(value: unknown, context: string): string {
    return this.seal(JSON.stringify(value), context);
  }

  openJson<T>(sealed: string, context: string): T {
    const text = this.open(sealed, context);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new SecretUnreadableError('malformed');
    }
  }
}

/** The key id is authenticated too, so a value cannot be relabelled to another key. */
function aad(keyId: string, context: string): Buffer {
  return Buffer.from(`${VERSION}.${keyId}\n${context}`, 'utf8');
}

interface SealedParts {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

function parse(sealed: string): SealedParts | undefined {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION || parts[1] === '') return undefined;
  const [iv, tag, ciphertext] = parts.slice(2).map(decodeCanonical);
  if (!iv || !tag || !ciphertext) return undefined;
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return undefined;
  return { keyId: parts[1], iv, tag, ciphertext };
}

/** Rejects non-canonical base64url, so each sealed value has exactly one spelling. */
function decodeCanonical(part: string): Buffer | undefined {
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : undefined;
}
