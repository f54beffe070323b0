import { SecretBox } from './secret-box';
import { SecretUnreadableError } from './secret-unreadable.error';

const OLD = `old:${Buffer.alloc(32, 1).toString('base64')}`;
const NEW = `new:${Buffer.alloc(32, 2).toString('base64')}`;
const CONTEXT = 'channel_accounts.credentials:0190f1a2-0000-7000-8000-000000000001';

const box = SecretBox.fromKeyRing(`${NEW},${OLD}`);
const oldBox = SecretBox.fromKeyRing(OLD);

function unreadable(action: () => unknown): SecretUnreadableError {
  try {
    action();
  } catch (error) {
    if (error instanceof SecretUnreadableError) return error;
    throw error;
  }
  throw new Error('expected SECRETS.UNREADABLE');
}

/** Replaces one dot-separated part, flipping a bit of its decoded bytes. */
function flipBitInPart(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index], 'base64url');
  bytes[0] ^= 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('SecretBox', () => {
  it.each([
    ['ascii', 'EAAG-token-123'],
    ['unicode', 'Olá, 世界 — пароль 🔐'],
    ['empty', ''],
    ['long', 'x'.repeat(100_000)],
  ])('opens what it sealed (%s)', (_, plaintext) => {
    expect(box.open(box.seal(plaintext, CONTEXT), CONTEXT)).toBe(plaintext);
  });

  it('writes v1.<keyId>.<iv>.<tag>.<ciphertext> with the newest key and no plaintext', () => {
    const sealed = box.seal('super-secret-token', CONTEXT);
    const [version, keyId, iv, tag, ciphertext] = sealed.split('.');
    expect([version, keyId]).toEqual(['v1', 'new']);
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
    expect(Buffer.from(ciphertext, 'base64url')).toHaveLength('super-secret-token'.length);
    expect(sealed).not.toContain('super-secret');
  });

  it('uses a fresh IV each time, so equal plaintexts seal differently', () => {
    const first = box.seal('same', CONTEXT);
    const second = box.seal('same', CONTEXT);
    expect(first).not.toBe(second);
    expect(first.split('.')[2]).not.toBe(second.split('.')[2]);
  });

  it.each([
    ['IV', 2],
    ['tag', 3],
    ['ciphertext', 4],
  ])('rejects a value whose %s was tampered with', (_, index) => {
    const tampered = flipBitInPart(box.seal('token', CONTEXT), index);
    expect(unreadable(() => box.open(tampered, CONTEXT)).reason).toBe('not-authentic');
  });

  it('rejects a value relabelled to another key of the ring', () => {
    const relabelled = box.seal('token', CONTEXT).replace(/^v1\.new\./, 'v1.old.');
    expect(unreadable(() => box.open(relabelled, CONTEXT)).reason).toBe('not-authentic');
  });

  it('rejects a value naming a key that is not in the ring', () => {
    const relabelled = box.seal('token', CONTEXT).replace(/^v1\.new\./, 'v1.gone.');
    expect(unreadable(() => box.open(relabelled, CONTEXT)).reason).toBe('unknown-key');
  });

  it('rejects a value sealed for another row or column', () => {
    const sealed = box.seal('token', CONTEXT);
    expect(unreadable(() => box.open(sealed, `${CONTEXT}2`)).reason).toBe('not-authentic');
    expect(unreadable(() => box.open(sealed, 'channel_accounts.other:1')).reason).toBe(
      'not-authentic',
    );
  });

  it.each([
    ['plaintext', 'not sealed at all'],
    ['empty', ''],
    ['another version', 'v2.new.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AA'],
    ['missing part', 'v1.new.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA'],
    ['short IV', 'v1.new.AAAA.AAAAAAAAAAAAAAAAAAAAAA.AA'],
    ['non-base64url part', 'v1.new.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.A+/='],
  ])('rejects a malformed value (%s)', (_, value) => {
    expect(unreadable(() => box.open(value, CONTEXT)).reason).toBe('malformed');
  });

  it('rejects a non-canonical spelling of a valid value', () => {
    const parts = box.seal('token', CONTEXT).split('.');
    // The tag's last base64url character carries 4 unused bits; setting one keeps the bytes.
    const last = parts[3].at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    parts[3] = parts[3].slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
    expect(unreadable(() => box.open(parts.join('.'), CONTEXT)).reason).toBe('malformed');
  });

  it('reports SECRETS.UNREADABLE without the plaintext, the value or the context', () => {
    const sealed = box.seal('hunter2', CONTEXT);
    const error = unreadable(() => box.open(sealed, 'elsewhere:1'));
    expect(error.code).toBe('SECRETS.UNREADABLE');
    expect(error.kind).toBe('unavailable');
    for (const leaked of ['hunter2', sealed, CONTEXT, 'elsewhere:1']) {
      expect(error.message).not.toContain(leaked);
    }
  });

  it('opens a value sealed with an older key of the ring', () => {
    const sealedByOld = oldBox.seal('legacy-token', CONTEXT);
    expect(sealedByOld.startsWith('v1.old.')).toBe(true);
    expect(box.open(sealedByOld, CONTEXT)).toBe('legacy-token');
  });

  it('tells values sealed with the current key from stale or foreign ones', () => {
    expect(box.sealedWithCurrentKey(box.seal('a', CONTEXT))).toBe(true);
    expect(box.sealedWithCurrentKey(oldBox.seal('a', CONTEXT))).toBe(false);
    expect(box.sealedWithCurrentKey('plaintext')).toBe(false);
    expect(oldBox.sealedWithCurrentKey(box.seal('a', CONTEXT))).toBe(false);
  });

  it('seals and opens JSON credentials', () => {
    const credentials = { accessToken: 'EAAG…', phoneNumberId: '123', scopes: ['a', 'b'] };
    const sealed = box.sealJson(credentials, CONTEXT);
    expect(box.openJson<typeof credentials>(sealed, CONTEXT)).toEqual(credentials);
  });
});
