import { inspect } from 'node:util';
import { InvalidConfigError } from '@config/load-config';
import { KeyRing } from './key-ring';
import { SecretBox } from './secret-box';

const keyOf = (byte: number, length = 32) => Buffer.alloc(length, byte).toString('base64');

function parseError(raw: string): InvalidConfigError {
  try {
    KeyRing.parse(raw);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error;
    throw error;
  }
  throw new Error('expected the key ring to be rejected');
}

describe('KeyRing', () => {
  it('takes the first key as the current one and keeps every key for opening', () => {
    const ring = KeyRing.parse(`new:${keyOf(2)},old:${keyOf(1)}`);
    expect(ring.currentKeyId).toBe('new');
    expect(ring.keyIds).toEqual(['new', 'old']);
    expect(ring.currentKey.equals(Buffer.alloc(32, 2))).toBe(true);
    expect(ring.key('old')?.equals(Buffer.alloc(32, 1))).toBe(true);
    expect(ring.key('gone')).toBeUndefined();
  });

  it('rejects a key id used twice, naming the id', () => {
    const error = parseError(`k1:${keyOf(2)},k1:${keyOf(1)}`);
    expect(error.problems).toEqual(['SECRETS_KEYS has key id "k1" more than once']);
  });

  it('rejects a key that is not 32 bytes without echoing the key', () => {
    const short = keyOf(7, 16);
    const error = parseError(`k2:${keyOf(2)},k1:${short}`);
    expect(error.problems).toEqual([
      'SECRETS_KEYS key "k1" must be the base64 of exactly 32 bytes',
    ]);
    expect(error.message).not.toContain(short);
  });

  it('rejects a key with characters outside base64 instead of silently skipping them', () => {
    const key = keyOf(3);
    expect(() => KeyRing.parse(`k1:${key.slice(0, 10)}*${key.slice(11)}`)).toThrow(
      InvalidConfigError,
    );
  });

  it('rejects an entry without an id or with an id outside [A-Za-z0-9_-]', () => {
    expect(() => KeyRing.parse(keyOf(1))).toThrow(InvalidConfigError);
    expect(() => KeyRing.parse(`a.b:${keyOf(1)}`)).toThrow(InvalidConfigError);
    expect(() => KeyRing.parse('')).toThrow(InvalidConfigError);
  });

  it('keeps key material out of inspection and JSON', () => {
    const ring = KeyRing.parse(`k1:${keyOf(9)}`);
    const shown = JSON.stringify(ring) + inspect(ring, { depth: 5 });
    expect(shown).not.toContain(keyOf(9));
    expect(shown).not.toMatch(/09 09 09/);
  });

  it('makes SecretBox construction fail at boot on a bad ring', () => {
    expect(() => SecretBox.fromKeyRing(`k1:${keyOf(1, 31)}`)).toThrow(/exactly 32 bytes/);
  });
});
