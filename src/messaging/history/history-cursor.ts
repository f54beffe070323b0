import { isUUID } from 'class-validator';
import { decodeCursor, invalidCursor } from '@core/api/pagination';

/**
 * The activity times a cursor may carry: years 1 to 9999 in epoch microseconds. Every real
 * `last_message_at` lies inside; anything outside is forged, and PostgreSQL would refuse it
 * only as a bigint or timestamp overflow (a 500) instead of the 400 a bad cursor deserves.
 */
const MIN_MICROS = BigInt(Date.parse('0001-01-01T00:00:00Z')) * 1000n;
const MAX_MICROS = BigInt(Date.parse('9999-12-31T23:59:59.999Z')) * 1000n + 999n;

/**
 * `[lastMessageAt in epoch microseconds, id]` of the last conversation of the previous page.
 * Microseconds, because PostgreSQL keeps them and a JS Date does not: a millisecond cursor
 * would skip or repeat conversations whose activity differs by less than a millisecond.
 */
export function decodeActivityCursor(
  raw: string | undefined,
): { micros: string; id: string } | undefined {
  const cursor = decodeCursor(raw, 2);
  if (!cursor) return undefined;
  const [micros, id] = cursor;
  if (!/^-?\d{1,19}$/.test(micros) || !isUUID(id)) throw invalidCursor();
  const value = BigInt(micros);
  if (value < MIN_MICROS || value > MAX_MICROS) throw invalidCursor();
  return { micros: value.toString(), id };
}
