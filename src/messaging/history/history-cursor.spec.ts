import { encodeCursor } from '@core/api/pagination';
import { ValidationFailedError } from '@core/errors/domain-error';
import { decodeActivityCursor } from './history-cursor';

const ID = '01939b6e-1234-7abc-8def-0123456789ab';
const cursorOf = (...values: unknown[]) =>
  Buffer.from(JSON.stringify(values)).toString('base64url');

function refusal(raw: string): unknown {
  try {
    decodeActivityCursor(raw);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('decodeActivityCursor', () => {
  it('reads back a cursor it issued, microseconds exact', () => {
    const micros = '1700000000123456';
    expect(decodeActivityCursor(encodeCursor([micros, ID]))).toEqual({ micros, id: ID });
    expect(decodeActivityCursor(undefined)).toBeUndefined();
  });

  it('accepts the first and last microsecond of years 1 and 9999, and times before 1970', () => {
    for (const micros of ['-62135596800000000', '253402300799999999', '-1', '0']) {
      expect(decodeActivityCursor(cursorOf(micros, ID))).toEqual({ micros, id: ID });
    }
  });

  it.each([
    ['beyond bigint', '99999999999999999999'],
    ['the largest bigint', '9223372036854775807'],
    ['the smallest bigint', '-9223372036854775808'],
    ['after the year 9999', '253402300800000000'],
    ['before the year 1', '-62135596800000001'],
    ['not a number', 'NaN'],
    ['infinite', 'Infinity'],
    ['a decimal', '1700000000.5'],
    ['an exponent', '1e18'],
    ['empty', ''],
    ['an ISO date', '2024-01-01T00:00:00Z'],
  ])('refuses %s microseconds with a 400 naming cursor', (_case, micros) => {
    const error = refusal(cursorOf(micros, ID));
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect((error as ValidationFailedError).extra.errors).toEqual([
      { field: 'cursor', message: 'cursor is not one this API issued' },
    ]);
  });

  it.each([
    ['a number instead of a string', [1700000000123456, ID]],
    ['an invalid uuid', ['1700000000123456', 'not-a-uuid']],
    ['a uuid in braces', ['1700000000123456', `{${ID}}`]],
    ['one value only', ['1700000000123456']],
    ['three values', ['1700000000123456', ID, ID]],
  ])('refuses %s', (_case, values) => {
    expect(refusal(cursorOf(...values))).toBeInstanceOf(ValidationFailedError);
  });
});
