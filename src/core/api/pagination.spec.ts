import { ValidationFailedError } from '@core/errors/domain-error';
import { decodeCursor, decodeIdCursor, encodeCursor } from './pagination';

const ID = '01939b6e-1234-7abc-8def-0123456789ab';
const base64url = (text: string) => Buffer.from(text).toString('base64url');

function refusal(decode: () => unknown): unknown {
  try {
    decode();
  } catch (error) {
    return error;
  }
  return undefined;
}

const expectCursorRefused = (decode: () => unknown) => {
  const error = refusal(decode);
  expect(error).toBeInstanceOf(ValidationFailedError);
  expect((error as ValidationFailedError).extra.errors).toEqual([
    { field: 'cursor', message: 'cursor is not one this API issued' },
  ]);
};

describe('decodeCursor', () => {
  it('reads back what encodeCursor wrote', () => {
    expect(decodeCursor(encodeCursor(['a', 'b']), 2)).toEqual(['a', 'b']);
    expect(decodeCursor(undefined, 2)).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['not base64 JSON', '!!!'],
    ['JSON but not an array', base64url('{"id":"x"}')],
    ['the wrong arity', base64url('["a"]')],
    ['numbers instead of strings', base64url('[1,2]')],
    ['huge numbers', base64url('[1e400,-1e400]')],
    ['nulls', base64url('[null,null]')],
  ])('refuses %s with a 400 naming cursor', (_case, raw) => {
    expectCursorRefused(() => decodeCursor(raw, 2));
  });
});

describe('decodeIdCursor (every id-ordered list, pageById included)', () => {
  it('reads back a UUID cursor', () => {
    expect(decodeIdCursor(encodeCursor([ID]))).toBe(ID);
  });

  it.each([
    ['a number', '12345'],
    ['a huge number', '99999999999999999999999'],
    ['NaN', 'NaN'],
    ['a date', '2024-01-01T00:00:00Z'],
    ['a UUID without dashes', ID.replace(/-/g, '')],
    ['a UUID with a non-hex digit', `g${ID.slice(1)}`],
    ['a UUID with SQL after it', `${ID}' OR 1=1`],
  ])('refuses %s with a 400 naming cursor', (_case, value) => {
    expectCursorRefused(() => decodeIdCursor(encodeCursor([value])));
  });
});
