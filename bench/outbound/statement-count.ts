import { Pool } from 'pg';

/** Per statement: its text, calls, and PostgreSQL's time in it (ms, execution + planning). */
type Counts = Map<string, { query: string; calls: number; ms: number }>;

/**
 * The statements behind the commits-per-message figure (BENCH_STATEMENTS=1): calls and time
 * per statement of the bench database from pg_stat_statements (planning time only when
 * `pg_stat_statements.track_planning` is on), read through the server's
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
    const { rows } = await this.server.query<{
      queryid: string;
      query: string;
      calls: string;
      ms: number;
    }>(
      `SELECT queryid::text, query, calls, total_exec_time + total_plan_time AS ms
         FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1)`,
      [this.database],
    );
    return new Map(
      rows.map((row) => [
        row.queryid,
        { query: row.query, calls: Number(row.calls), ms: Number(row.ms) },
      ]),
    );
  }

  /**
   * Prints the statements run between the readings, most called first: calls, calls per
   * message, PostgreSQL ms per message and per call.
   */
  print(before: Counts, after: Counts, messages: number): void {
    const ran = [...after]
      .map(([id, { query, calls, ms }]) => ({
        calls: calls - (before.get(id)?.calls ?? 0),
        ms: ms - (before.get(id)?.ms ?? 0),
        query: query.replace(/\s+/g, ' ').slice(0, 120),
      }))
      .filter((statement) => statement.calls > 0)
      .sort((a, b) => b.calls - a.calls);
    const totalMs = ran.reduce((sum, statement) => sum + statement.ms, 0);
    console.log(`PostgreSQL time in statements: ${(totalMs / messages).toFixed(3)} ms/msg`);
    for (const { calls, ms, query } of ran.slice(0, 40)) {
      const perMessage = (calls / messages).toFixed(2);
      const msPerMessage = (ms / messages).toFixed(3);
      const msPerCall = (ms / calls).toFixed(3);
      console.log(
        `${String(calls).padStart(6)} ${perMessage.padStart(6)}/msg ${msPerMessage.padStart(7)} ms/msg ${msPerCall.padStart(7)} ms/call  ${query}`,
      );
    }
  }

  close(): Promise<void> {
    return this.server.end();
  }
}

type Writes = Map<string, { inserted: number; updated: number; hot: number; deleted: number }>;

/**
 * Rows written per table of the bench database (pg_stat_user_tables), diffed between two
 * readings: with BENCH_STATEMENTS=1, beside the statements. Updates that are not HOT write
 * every index of their table again.
 */
export class TableWrites {
  constructor(private readonly db: Pool) {}

  async read(): Promise<Writes> {
    const { rows } = await this.db.query<{
      relname: string;
      ins: string;
      upd: string;
      hot: string;
      del: string;
    }>(
      `SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_hot_upd AS hot, n_tup_del AS del
         FROM pg_stat_user_tables`,
    );
    return new Map(
      rows.map((row) => [
        row.relname,
        {
          inserted: Number(row.ins),
          updated: Number(row.upd),
          hot: Number(row.hot),
          deleted: Number(row.del),
        },
      ]),
    );
  }

  /** Prints each table written between the readings: rows inserted, updated (HOT), deleted per message. */
  print(before: Writes, after: Writes, messages: number): void {
    const perMessage = (n: number) => (n / messages).toFixed(2).padStart(6);
    for (const [table, now] of after) {
      const was = before.get(table) ?? { inserted: 0, updated: 0, hot: 0, deleted: 0 };
      const inserted = now.inserted - was.inserted;
      const updated = now.updated - was.updated;
      const deleted = now.deleted - was.deleted;
      if (!inserted && !updated && !deleted) continue;
      console.log(
        `${table.padEnd(34)} inserted ${perMessage(inserted)} updated ${perMessage(updated)} (HOT ${perMessage(now.hot - was.hot)}) deleted ${perMessage(deleted)} /msg`,
      );
    }
  }
}
