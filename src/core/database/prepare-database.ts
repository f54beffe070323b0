import { Client } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { databaseName, withDatabase } from './postgres-options';

/** Creates the database named in `url` when it does not exist yet. Returns true if it created it. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url);
  const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await admin.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
    return true;
  } finally {
    await admin.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(databaseName(url))} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * Copies the database at `from` as the database of each URL of `to` (CREATE DATABASE …
 * TEMPLATE): nothing may be connected to `from` meanwhile.
 */
export async function copyDatabase(from: string, to: readonly string[]): Promise<void> {
  const admin = new Client({ connectionString: withDatabase(from, 'postgres') });
  await admin.connect();
  try {
    for (const url of to) {
      await admin.query(
        `CREATE DATABASE ${quoteIdentifier(databaseName(url))} TEMPLATE ${quoteIdentifier(databaseName(from))}`,
      );
    }
  } finally {
    await admin.end();
  }
}

/** Runs pending migrations, each in its own transaction; returns the names it applied. */
export async function runMigrations(options: DataSourceOptions): Promise<string[]> {
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
