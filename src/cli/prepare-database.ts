import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { InvalidConfigError, loadConfig } from '@config/load-config';
import { databaseName } from '@core/database/postgres-options';
import { ensureDatabase, runMigrations } from '@core/database/prepare-database';
import { dataSourceOptions } from '@app/data-source';

/** Creates the configured database if it is missing, then applies pending migrations. */
async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const { database } = loadConfig(process.env);
  const name = databaseName(database.url);
  if (await ensureDatabase(database.url)) process.stdout.write(`Created database "${name}"\n`);
  const applied = await runMigrations(dataSourceOptions(database));
  process.stdout.write(
    applied.length
      ? `Applied migrations: ${applied.join(', ')}\n`
      : `Database "${name}" is up to date\n`,
  );
}

main().catch((error: unknown) => {
  const message =
    error instanceof InvalidConfigError || !(error instanceof Error)
      ? String(error)
      : error.message;
  process.stderr.write(`prepare-database failed: ${message}\n`);
  process.exit(1);
});
