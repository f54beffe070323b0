import { Pool } from 'pg';

type Counts = Map<string, { query: string; calls: number }>;

/**
 * The statements behind the commits-per-message figure (BENCH_STATEMENTS=1): calls per
 * statement of the bench database from pg_stat_statements, read through the server's
 * `postgres` database (where the extension is installed, so nothing is added to the bench
 * database's commits) and diffed between two readings; never reset, as others share it.
 */
export class StatementCounter {
  private constructor(
    private readonly server: Pool,
    private readonly database: string,
  ) {}

  /** Asked before the measured window: the name lookup is a statement of the bench database. */
  static async of(db: Pool): Promise<StatementCounter> {
    const { rows } = await db.query<{ name: string }>(`SELECT current_database() AS name`);
    const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    url.pathname = '/postgres';
    return new StatementCounter(
      new Pool({ connectionString: url.toString(), max: 1 }),
      rows[0].name,
    );
  }

  async read(): Promise<Counts> {
    const { rows } = await this.server.query<{ queryid: string; query: string; calls: string }>(
      `SELECT queryid::text, query, calls FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1)`,
      [this.database],
    );
    return new Map(
      rows.map((row) => [row.queryid, { query: row.query, calls: Number(row.calls) }]),
    );
  }

  /** Prints the statements run between the readings, most called first, per message too. */
  print(before: Counts, after: Counts, messages: number): void {
    const ran = [...after]
      .map(([id, { query, calls }]) => ({
        calls: calls - (before.get(id)?.calls ?? 0),
        query: query.replace(/\s+/g, ' ').slice(0, 140),
      }))
      .filter((statement) => statement.calls > 0)
      .sort((a, b) => b.calls - a.calls);
    for (const { calls, query } of ran.slice(0, 40)) {
      const perMessage = (calls / messages).toFixed(2);
      console.log(`${String(calls).padStart(6)} ${perMessage.padStart(6)}/msg  ${query}`);
    }
  }

  close(): Promise<void> {
    return this.server.end();
  }
}
