import { statementCachingClient } from './statement-caching-client';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

export interface DatabaseSettings {
  url: string;
  poolSize: number;
  ssl: boolean;
  /** Prepared statements kept per connection (statement-caching-client.ts); 0: none. */
  statementCacheSize?: number;
}

/** How long a pooled connection may sit idle before it is closed. */
const POOL_IDLE_TIMEOUT_MS = 5 * 60_000;

/**
 * Connection options shared by the Nest app, the TypeORM CLI (`ormconfig.ts`) and the test
 * setup, so all three talk to PostgreSQL the same way. Schema changes only ever come from
 * migrations: `synchronize` is off everywhere.
 */
export function postgresOptions(db: DatabaseSettings): PostgresConnectionOptions {
  return {
    type: 'postgres',
    url: db.url,
    ssl: db.ssl ? { rejectUnauthorized: true } : false,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'schema_migrations',
    extra: {
      max: db.poolSize,
      connectionTimeoutMillis: 5_000,
      // Kept through the pauses between bursts (pg-pool closes an idle connection after 10 s
      // by default): a new connection is a new PostgreSQL backend, which forks, fills its
      // catalog caches and plans each statement afresh for its first five runs (custom plans)
      // before it caches one.
      idleTimeoutMillis: POOL_IDLE_TIMEOUT_MS,
      // Idle connections do not keep a process alive (a CLI, a test run) that is done.
      allowExitOnIdle: true,
      // A runaway query must not hold a pooled connection forever.
      statement_timeout: 15_000,
      idle_in_transaction_session_timeout: 30_000,
      application_name: 'omnihub',
      ...(db.statementCacheSize ? { Client: statementCachingClient(db.statementCacheSize) } : {}),
    },
  };
}

/** Same server, another database: used to reach `postgres` for CREATE/DROP DATABASE. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}
