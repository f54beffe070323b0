import { ValidationFailedError } from '@core/errors/domain-error';
import { parseIdempotencyKey } from './idempotency-key';

describe('parseIdempotencyKey', () => {
  it('takes no header as no key', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });

  it.each([
    ['a UUID', '8e03978e-40d5-43e8-bc93-6894a57f9324', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['one character', 'a', 'a'],
    ['255 characters', 'k'.repeat(255), 'k'.repeat(255)],
    ['punctuation', 'order:42/retry=1_x~y', 'order:42/retry=1_x~y'],
    ['the IETF draft’s quoted string', '"8e03978e-40d5"', '8e03978e-40d5'],
  ])('accepts %s', (_case, raw, key) => {
    expect(parseIdempotencyKey(raw)).toBe(key);
  });

  it.each([
    ['empty', ''],
    ['empty quotes', '""'],
    ['256 characters', 'k'.repeat(256)],
    ['a space', 'order 42'],
    ['two headers joined', 'a, b'],
    ['two headers as a list', ['a', 'b']],
    ['a quote inside', 'or"der'],
    ['a backslash', 'or\\der'],
    ['a control character', 'order\t42'],
    ['non-ASCII', 'pedido-nº42'],
    ['an unbalanced quote', '"order'],
  ])('refuses %s with a 400 naming the header', (_case, raw) => {
    let error: unknown;
    try {
      parseIdempotencyKey(raw);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect((error as ValidationFailedError).extra.errors?.[0].field).toBe('Idempotency-Key');
  });
});
