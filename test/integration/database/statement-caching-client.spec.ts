import { DataSource } from 'typeorm';
import { postgresOptions } from '@core/database/postgres-options';
import { testConfig } from '@test/support/test-app';

/**
 * The pooled connections keep the parameterized statements the app repeats prepared (parsed
 * and planned once per connection), never one-off statements, never more than the cap; a
 * cap of 0 prepares nothing (a pooler in transaction mode). One connection per pool, so the
 * statements a test runs and pg_prepared_statements are on the same backend.
 */
describe('Statement-caching PostgreSQL client', () => {
  const pools: DataSource[] = [];

  afterAll(() => Promise.all(pools.map((pool) => pool.destroy())));

  const pool = async (statementCacheSize: number): Promise<DataSource> => {
    const { database } = testConfig();
    const db = new DataSource(postgresOptions({ ...database, poolSize: 1, statementCacheSize }));
    await db.initialize();
    pools.push(db);
    return db;
  };

  const prepared = async (db: DataSource): Promise<string[]> =>
    (
      await db.query<{ statement: string }[]>(
        `SELECT statement FROM pg_prepared_statements WHERE name LIKE 'omnihub_%' ORDER BY statement`,
      )
    ).map((row) => row.statement);

  it('prepares a parameterized statement on its second use and answers it the same way', async () => {
    const db = await pool(8);
    const first = await db.query(`SELECT $1::int + 1 AS n`, [1]);
    expect(await prepared(db)).toEqual([]);
    const second = await db.query(`SELECT $1::int + 1 AS n`, [41]);
    const third = await db.query(`SELECT $1::int + 1 AS n`, [1]);
    expect(await prepared(db)).toEqual(['SELECT $1::int + 1 AS n']);
    expect([first, second, third]).toEqual([[{ n: 2 }], [{ n: 42 }], [{ n: 2 }]]);
  });

  it('leaves statements without parameters (transactions, DDL) and one-offs unprepared', async () => {
    const db = await pool(8);
    await db.transaction(async (tx) => {
      await tx.query(`SELECT 1`);
      await tx.query(`SELECT 1`);
    });
    await db.query(`SELECT $1::text AS once`, ['x']);
    expect(await prepared(db)).toEqual([]);
  });

  it('prepares no more than its capacity, and runs the rest unnamed', async () => {
    const db = await pool(2);
    for (const n of [1, 2, 3]) {
      for (let use = 0; use < 2; use += 1) {
        expect(await db.query(`SELECT $1::int * ${n} AS n`, [use])).toEqual([{ n: use * n }]);
      }
    }
    expect(await prepared(db)).toEqual(['SELECT $1::int * 1 AS n', 'SELECT $1::int * 2 AS n']);
  });

  it('leaves batch statements whose text grows with the batch unprepared', async () => {
    const db = await pool(8);
    const values = Array.from({ length: 65 }, (_, i) => i);
    const text = `SELECT ${values.map((i) => `$${i + 1}::int`).join(' + ')} AS n`;
    for (let use = 0; use < 3; use += 1) {
      expect(await db.query(text, values)).toEqual([{ n: (64 * 65) / 2 }]);
    }
    expect(await prepared(db)).toEqual([]);
  });

  it('prepares nothing with a capacity of 0', async () => {
    const db = await pool(0);
    for (let use = 0; use < 3; use += 1) await db.query(`SELECT $1::int AS n`, [use]);
    expect(await prepared(db)).toEqual([]);
  });

  it('keeps failing statements failing the same way (a prepared statement that errors stays usable)', async () => {
    const db = await pool(8);
    for (let use = 0; use < 3; use += 1) {
      await expect(db.query(`SELECT 1 / $1::int AS n`, [0])).rejects.toThrow('division by zero');
    }
    expect(await db.query(`SELECT 1 / $1::int AS n`, [1])).toEqual([{ n: 1 }]);
  });
});
