import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@migrations/index';

/** The migration names this build expects applied (a token so a test can name others). */
export const EXPECTED_MIGRATIONS = Symbol('EXPECTED_MIGRATIONS');

export const expectedMigrationsProvider = {
  provide: EXPECTED_MIGRATIONS,
  useFactory: (): string[] =>
    MIGRATIONS.map((migration) => new (migration as new () => { name: string })().name),
};

/** Once the schema is seen current, it is re-read this often (a revert is rare but real). */
const CURRENT_FOR_MS = 60_000;

/**
 * Ready only when every migration this build ships is applied: a pod whose code expects a
 * newer schema than the database has would fail on its first query of a new column. A pod
 * with pending migrations answers 503 until the migrate job has run, then turns ready.
 */
@Injectable()
export class MigrationsHealthIndicator {
  private currentUntil = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(EXPECTED_MIGRATIONS) private readonly expected: readonly string[],
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    if (Date.now() < this.currentUntil) return indicator.up();
    try {
      const table = this.db.options.migrationsTableName ?? 'migrations';
      const rows: { name: string }[] = await this.db.query(`SELECT name FROM "${table}"`);
      const applied = new Set(rows.map((row) => row.name));
      const pending = this.expected.filter((name) => !applied.has(name));
      if (pending.length > 0) {
        return indicator.down({ message: 'migrations pending', pending: pending.slice(0, 10) });
      }
      this.currentUntil = Date.now() + CURRENT_FOR_MS;
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
