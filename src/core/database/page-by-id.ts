import { FindOptionsWhere, MoreThan, ObjectLiteral, Repository } from 'typeorm';
import { Page, decodeIdCursor, toPage } from '@core/api/pagination';

/**
 * One page of an id-ordered list (ids are UUIDv7, so this is creation order): the rows after
 * the cursor's id matching `where`, read through the primary key index.
 */
export async function pageById<E extends ObjectLiteral & { id: string }, T>(
  repository: Repository<E>,
  where: FindOptionsWhere<E>,
  page: { limit: number; cursor?: string },
  map: (row: E) => T,
): Promise<Page<T>> {
  const after = decodeIdCursor(page.cursor);
  const rows = await repository.find({
    where: { ...where, ...(after ? { id: MoreThan(after) } : {}) } as FindOptionsWhere<E>,
    order: { id: 'ASC' } as never,
    take: page.limit + 1,
  });
  return toPage(rows, page.limit, (row) => [row.id], map);
}
