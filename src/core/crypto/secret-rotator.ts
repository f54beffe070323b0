import type { DataSource, QueryRunner } from 'typeorm';
import { EncryptedColumn, encryptedColumnContext } from './encrypted-column';
import { SecretBox } from './secret-box';

export interface ColumnRotation {
  table: string;
  column: string;
  /** Non-null values read. */
  scanned: number;
  alreadyCurrent: number;
  rotated: number;
  /** Rows whose value changed between read and write (the app re-sealed it meanwhile). */
  changedConcurrently: number;
  /** Ids of rows whose value cannot be opened; they are left as they are. */
  unreadable: string[];
}

interface StoredSecret {
  row_id: string;
  value: string;
}

/**
 * Re-seals with the newest key every non-null value of `columns` that an older key sealed.
 *
 * Safe while the app runs: rows are read in keyset batches, and each batch is written in one
 * transaction with `UPDATE ... WHERE id = $id AND column = $old`, so a value the app changed
 * meanwhile is never overwritten (it is counted in `changedConcurrently`). Run it only once
 * every instance runs with the new ring, or they would go on sealing with the old key.
 * A value that cannot be opened does not stop the run; its row id is reported.
 */
export async function rotateSecrets(
  dataSource: DataSource,
  box: SecretBox,
  columns: readonly EncryptedColumn[],
  opts: { batchSize?: number } = {},
): Promise<ColumnRotation[]> {
  const batchSize = opts.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError('batchSize must be a positive integer');
  }
  const results: ColumnRotation[] = [];
  for (const column of columns) {
    results.push(await rotateColumn(dataSource, box, column, batchSize));
  }
  return results;
}

async function rotateColumn(
  dataSource: DataSource,
  box: SecretBox,
  column: EncryptedColumn,
  batchSize: number,
): Promise<ColumnRotation> {
  const result: ColumnRotation = {
    table: column.table,
    column: column.column,
    scanned: 0,
    alreadyCurrent: 0,
    rotated: 0,
    changedConcurrently: 0,
    unreadable: [],
  };
  const table = quoteIdentifier(column.table);
  const id = quoteIdentifier(column.idColumn);
  const value = quoteIdentifier(column.column);
  // `row_id` must differ from the id column's name, so ORDER BY sorts by the id's own type.
  const select = (after: boolean) =>
    `SELECT ${id}::text AS row_id, ${value} AS value FROM ${table} ` +
    `WHERE ${value} IS NOT NULL${after ? ` AND ${id} > $2` : ''} ORDER BY ${id} LIMIT $1`;
  const update = `UPDATE ${table} SET ${value} = $1 WHERE ${id} = $2 AND ${value} = $3`;

  let lastId: string | undefined;
  for (;;) {
    const rows: StoredSecret[] = await dataSource.query(
      select(lastId !== undefined),
      lastId === undefined ? [batchSize] : [batchSize, lastId],
    );
    if (rows.length === 0) return result;
    lastId = rows[rows.length - 1].row_id;
    result.scanned += rows.length;

    const stale: { id: string; old: string; sealed: string }[] = [];
    for (const row of rows) {
      if (box.sealedWithCurrentKey(row.value)) {
        result.alreadyCurrent += 1;
        continue;
      }
      const context = encryptedColumnContext(column, row.row_id);
      try {
        stale.push({ id: row.row_id, old: row.value, sealed: reseal(box, row.value, context) });
      } catch {
        result.unreadable.push(row.row_id);
      }
    }
    if (stale.length > 0) {
      await inTransaction(dataSource, async (runner) => {
        for (const row of stale) {
          const { affected } = await runner.query(update, [row.sealed, row.id, row.old], true);
          if (affected) result.rotated += 1;
          else result.changedConcurrently += 1;
        }
      });
    }
    if (rows.length < batchSize) return result;
  }
}

function reseal(box: SecretBox, sealed: string, context: string): string {
  return box.seal(box.open(sealed, context), context);
}

async function inTransaction(
  dataSource: DataSource,
  work: (runner: QueryRunner) => Promise<void>,
): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    try {
      await work(runner);
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
  } finally {
    await runner.release();
  }
}

function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes('\0')) {
    throw new RangeError('An encrypted column names an empty or invalid identifier');
  }
  return `"${name.replace(/"/g, '""')}"`;
}
