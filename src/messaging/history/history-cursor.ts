import { isUUID } from 'class-validator';
import { decodeCursor, invalidCursor } from '@core/api/pagination';

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
  return { micros, id };
}
