import type { FakeResponse } from '@test/fakes/fake-http-server';

/**
 * Graph cursor paging over a list edge: `{ data, paging: { cursors: { before, after }, next? } }`,
 * at most `maxPageSize` entries a page whatever `limit` asks (default 25), `next` only while
 * more remain, and `fields` handed to `project` (Graph always returns `id`).
 */
export function graphPage<T>(
  all: readonly T[],
  query: Record<string, string | string[]>,
  selfUrl: string,
  maxPageSize: number,
  project: (item: T, fields: string[] | undefined) => Record<string, unknown>,
): FakeResponse {
  const limit = Math.min(Number(query.limit ?? 25) || 25, maxPageSize);
  const offset = typeof query.after === 'string' ? decodeCursor(query.after) + 1 : 0;
  const slice = all.slice(offset, offset + limit);
  const fields = typeof query.fields === 'string' ? query.fields.split(',') : undefined;
  const data = slice.map((item) => project(item, fields));
  const last = offset + slice.length - 1;
  const cursors =
    slice.length > 0 ? { before: encodeCursor(offset), after: encodeCursor(last) } : undefined;
  const next =
    last + 1 < all.length
      ? `${selfUrl}?${new URLSearchParams({ ...(fields ? { fields: fields.join(',') } : {}), limit: String(limit), after: encodeCursor(last) }).toString()}`
      : undefined;
  return {
    status: 200,
    body: { data, paging: { ...(cursors ? { cursors } : {}), ...(next ? { next } : {}) } },
  };
}

const encodeCursor = (index: number) => Buffer.from(`idx:${index}`).toString('base64url');

function decodeCursor(cursor: string): number {
  const match = /^idx:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : -1;
}
