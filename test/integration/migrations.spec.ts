import { DataSource } from 'typeorm';
import { loadConfig } from '@config/load-config';
import { withDatabase } from '@core/database/postgres-options';
import { dropDatabase, ensureDatabase } from '@core/database/prepare-database';
import { dataSourceOptions } from '@app/data-source';
import { MIGRATIONS } from '@migrations/index';

describe('Migrations', () => {
  const url = withDatabase(
    process.env.DATABASE_URL!,
    `${new URL(process.env.DATABASE_URL!).pathname.slice(1)}_migrations`,
  );
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabase(url);
    const { database } = loadConfig({ ...process.env, DATABASE_URL: url });
    dataSource = await new DataSource(dataSourceOptions(database)).initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await dropDatabase(url);
  });

  const tables = async () =>
    (
      await dataSource.query<{ tablename: string }[]>(
        `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY 1`,
      )
    ).map((row) => row.tablename);

  it('apply every migration, revert each one, and apply them again', async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
    const schema = await tables();
    expect(schema).toEqual(expect.arrayContaining(['tenants', 'api_keys']));

    for (let i = 0; i < MIGRATIONS.length; i += 1)
      await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tables()).toEqual([]);

    await dataSource.runMigrations({ transaction: 'each' });
    expect(await tables()).toEqual(schema);
  });

  it('leave nothing for the entities to disagree with', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });
});
