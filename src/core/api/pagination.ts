import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { isUUID } from 'class-validator';
import { ValidationFailedError } from '@core/errors/domain-error';

/**
 * Keyset (cursor) pagination: pages are read `WHERE (sort, id) > (:sort, :id)`
 * on an index, so page 1,000 costs the same as page 1 and rows inserted meanwhile are never
 * skipped or repeated. The cursor is opaque to clients.
 */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 50;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}

/** The sort key of the last row of a page, e.g. `[id]` or `[lastMessageAt, id]`. */
export type Cursor = string[];

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(raw: string | undefined, arity: number): Cursor | undefined {
  if (raw === undefined) return undefined;
  try {
    const values = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(values) &&
      values.length === arity &&
      values.every((v) => typeof v === 'string')
    ) {
      return values;
    }
  } catch {
    // fall through to the validation error
  }
  throw new ValidationFailedError([
    { field: 'cursor', message: 'cursor is not one this API issued' },
  ]);
}

/** The common case: lists ordered by UUIDv7 id, whose cursor is the last row's id. */
export function decodeIdCursor(raw: string | undefined): string | undefined {
  const cursor = decodeCursor(raw, 1);
  if (cursor && !isUUID(cursor[0])) throw invalidCursor();
  return cursor?.[0];
}

export function invalidCursor(): ValidationFailedError {
  return new ValidationFailedError([
    { field: 'cursor', message: 'cursor is not one this API issued' },
  ]);
}

export class PageInfoDoc {
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` to get the next page; null on the last page',
  })
  nextCursor!: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Builds a page from `limit + 1` fetched rows: the extra row only tells whether more exist. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  cursorOf: (row: R) => Cursor,
  map: (row: R) => T,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null,
  };
}
