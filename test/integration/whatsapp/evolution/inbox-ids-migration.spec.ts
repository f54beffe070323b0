import { randomUUID } from 'node:crypto';
import { DataSource, QueryRunner } from 'typeorm';
import { loadConfig } from '@config/load-config';
import { newId } from '@core/database/ids';
import { dataSourceOptions } from '@app/data-source';
import { ScopeEvolutionInboxIdsToAccount1795363000000 } from '@migrations/1795363000000-scope-evolution-inbox-ids-to-account';

/**
 * Rows stored before Evolution inbox ids named the account must keep matching redeliveries
 * after the deploy: the migration rewrites them to `<account>:<event id>`. Everything runs in
 * one transaction that is rolled back, so the shared test database is left as it was.
 */
describe('Migration: Evolution inbox ids scoped to the account', () => {
  let dataSource: DataSource;
  let runner: QueryRunner;
  const migration = new ScopeEvolutionInboxIdsToAccount1795363000000();

  beforeAll(async () => {
    const { database } = loadConfig(process.env);
    dataSource = await new DataSource({
      ...dataSourceOptions(database),
      migrations: [],
    }).initialize();
  });

  beforeEach(async () => {
    runner = dataSource.createQueryRunner();
    await runner.startTransaction();
  });

  afterEach(async () => {
    await runner.rollbackTransaction();
    await runner.release();
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  const insert = (source: string, externalId: string, accountRef: string | null) =>
    runner.query(
      `INSERT INTO inbound_events (id, source, external_id, account_ref, payload, processed_at)
       VALUES ($1, $2, $3, $4, '{}', now())`,
      [newId(), source, externalId, accountRef],
    );
  const externalIds = async (marker: string): Promise<string[]> => {
    const rows: { source: string; external_id: string }[] = await runner.query(
      `SELECT source, external_id FROM inbound_events WHERE external_id LIKE '%' || $1 || '%'
        ORDER BY source, external_id`,
      [marker],
    );
    return rows.map((row) => `${row.source} ${row.external_id}`);
  };

  it('prefixes stored Evolution ids with their account, once, and leaves other sources alone', async () => {
    const account = randomUUID();
    const keyId = `3EB0${randomUUID()}`;
    await insert('evolution', `messages.upsert:${keyId}`, account);
    await insert('evolution', `messages.update:${keyId}:READ`, account);
    await insert('meta', `body-hash-${keyId}`, null);

    await migration.up(runner);
    await migration.up(runner);

    expect(await externalIds(keyId)).toEqual([
      `evolution ${account}:messages.update:${keyId}:READ`,
      `evolution ${account}:messages.upsert:${keyId}`,
      `meta body-hash-${keyId}`,
    ]);
  });

  it('reverts, keeping the scoped id of a row that would collide with another account’s', async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    const keyId = `3EB0${randomUUID()}`;
    await insert('evolution', `messages.upsert:${keyId}`, first);
    await migration.up(runner);
    await insert('evolution', `${second}:messages.upsert:${keyId}`, second);

    await migration.down(runner);

    const ids = await externalIds(keyId);
    expect(ids).toHaveLength(2);
    expect(ids.filter((id) => id === `evolution messages.upsert:${keyId}`)).toHaveLength(1);
  });
});
