import { DataSource } from 'typeorm';
import { postgresOptions } from '@core/database/postgres-options';
import { EncryptedColumn, encryptedColumnContext } from '@core/crypto/encrypted-column';
import { SecretBox } from '@core/crypto/secret-box';
import { rotateSecrets } from '@core/crypto/secret-rotator';
import { testConfig } from '@test/support/test-app';

const OLD_KEY = `old:${Buffer.alloc(32, 11).toString('base64')}`;
const NEW_KEY = `new:${Buffer.alloc(32, 22).toString('base64')}`;

const oldBox = SecretBox.fromKeyRing(OLD_KEY);
const box = SecretBox.fromKeyRing(`${NEW_KEY},${OLD_KEY}`);

// A quote in the table name proves identifiers are quoted, not pasted.
const column: EncryptedColumn = {
  table: `rotation "scratch" ${process.pid}`,
  idColumn: 'id',
  column: 'credentials',
};
const table = `"${column.table.replace(/"/g, '""')}"`;

interface Row {
  id: number;
  credentials: string | null;
}

describe('rotateSecrets', () => {
  let dataSource: DataSource;
  const plaintexts = new Map<number, string>();

  const rows = async (): Promise<Row[]> =>
    dataSource.query(`SELECT id, credentials FROM ${table} ORDER BY id`);

  const insert = async (id: number, sealed: string | null) =>
    dataSource.query(`INSERT INTO ${table} (id, credentials) VALUES ($1, $2)`, [id, sealed]);

  beforeAll(async () => {
    dataSource = new DataSource(postgresOptions(testConfig().database));
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  beforeEach(async () => {
    await dataSource.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, credentials text)`);
    plaintexts.clear();
    for (let id = 1; id <= 25; id += 1) {
      if (id % 5 === 0) {
        await insert(id, null);
        continue;
      }
      const plaintext = id % 7 === 0 ? `ünïcödé 🔑 #${id}` : `token-${id}`;
      plaintexts.set(id, plaintext);
      const sealer = id % 3 === 0 ? box : oldBox;
      await insert(id, sealer.seal(plaintext, encryptedColumnContext(column, id)));
    }
  });

  afterEach(async () => {
    await dataSource.query(`DROP TABLE IF EXISTS ${table}`);
  });

  const staleCount = () => [...plaintexts.keys()].filter((id) => id % 3 !== 0).length;

  async function expectAllCurrentAndIntact(): Promise<void> {
    for (const row of await rows()) {
      if (!plaintexts.has(row.id)) {
        expect(row.credentials).toBeNull();
        continue;
      }
      expect(row.credentials).not.toBeNull();
      const sealed = row.credentials as string;
      expect(box.sealedWithCurrentKey(sealed)).toBe(true);
      expect(box.open(sealed, encryptedColumnContext(column, row.id))).toBe(plaintexts.get(row.id));
    }
  }

  it('re-seals every old-key value with the newest key, in batches, leaving nulls alone', async () => {
    const currentBefore = new Map(
      (await rows())
        .filter((row) => row.credentials && box.sealedWithCurrentKey(row.credentials))
        .map((row) => [row.id, row.credentials]),
    );

    const [result] = await rotateSecrets(dataSource, box, [column], { batchSize: 4 });

    expect(result).toEqual({
      table: column.table,
      column: 'credentials',
      scanned: plaintexts.size,
      alreadyCurrent: plaintexts.size - staleCount(),
      rotated: staleCount(),
      changedConcurrently: 0,
      unreadable: [],
    });
    await expectAllCurrentAndIntact();
    // Values already sealed with the newest key are not rewritten.
    for (const [id, sealed] of currentBefore) {
      expect((await rows()).find((row) => row.id === id)?.credentials).toBe(sealed);
    }
    expect((await rows()).filter((row) => row.credentials === null)).toHaveLength(5);
  });

  it('reports nothing to do on a second run', async () => {
    await rotateSecrets(dataSource, box, [column], { batchSize: 4 });
    const snapshot = await rows();

    const [again] = await rotateSecrets(dataSource, box, [column], { batchSize: 4 });

    expect(again).toMatchObject({ rotated: 0, changedConcurrently: 0, unreadable: [] });
    expect(again.alreadyCurrent).toBe(plaintexts.size);
    expect(await rows()).toEqual(snapshot);
  });

  it('rotates each row exactly once when two rotations run at the same time', async () => {
    const runs = await Promise.all([
      rotateSecrets(dataSource, box, [column], { batchSize: 2 }),
      rotateSecrets(dataSource, box, [column], { batchSize: 3 }),
    ]);

    expect(runs[0][0].rotated + runs[1][0].rotated).toBe(staleCount());
    await expectAllCurrentAndIntact();
  });

  it('reports unreadable rows by id, leaves them untouched and rotates the rest', async () => {
    const foreign = oldBox.seal('copied', encryptedColumnContext(column, 999));
    await dataSource.query(`UPDATE ${table} SET credentials = $1 WHERE id = 1`, [foreign]);
    await dataSource.query(`UPDATE ${table} SET credentials = 'plain' WHERE id = 2`);
    plaintexts.delete(1);
    plaintexts.delete(2);

    const [result] = await rotateSecrets(dataSource, box, [column], { batchSize: 4 });

    expect(result.unreadable).toEqual(['1', '2']);
    expect(result.rotated).toBe(staleCount());
    const byId = new Map((await rows()).map((row) => [row.id, row.credentials]));
    expect(byId.get(1)).toBe(foreign);
    expect(byId.get(2)).toBe('plain');
    for (const [id, plaintext] of plaintexts) {
      const sealed = byId.get(id) as string;
      expect(box.sealedWithCurrentKey(sealed)).toBe(true);
      expect(box.open(sealed, encryptedColumnContext(column, id))).toBe(plaintext);
    }
  });
});
