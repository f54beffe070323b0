import { Pool } from 'pg';

/**
 * Per statement: its text, whether the client sent it (a trigger's statements are nested in
 * another's figures), its calls, PostgreSQL's time in it (ms, execution + planning), the WAL
 * records it wrote and the shared buffers it touched. WAL records and buffers do not drift
 * with the machine's load as times do: a change's effect on the writes shows in one run.
 */
type Totals = { calls: number; ms: number; walRecords: number; buffers: number };
export type StatementCounts = Map<string, Totals & { query: string; toplevel: boolean }>;

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

  async read(): Promise<StatementCounts> {
    const { rows } = await this.server.query<{
      id: string;
      query: string;
      toplevel: boolean;
      calls: string;
      ms: number;
      wal_records: string;
      buffers: string;
    }>(
      `SELECT queryid::text || toplevel AS id, query, toplevel, calls,
              total_exec_time + total_plan_time AS ms, wal_records,
              shared_blks_hit + shared_blks_read AS buffers
         FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1)`,
      [this.database],
    );
    return new Map(
      rows.map((row) => [
        row.id,
        {
          query: row.query,
          toplevel: row.toplevel,
          calls: Number(row.calls),
          ms: Number(row.ms),
          walRecords: Number(row.wal_records),
          buffers: Number(row.buffers),
        },
      ]),
    );
  }

  /**
   * Prints the statements run between the readings, most called first: calls, calls per
   * message, PostgreSQL ms, WAL records and shared buffers per message, ms per call. The
   * totals count the statements the client sent (a trigger's are in its statement's figures);
   * nested ones are listed, marked `>`.
   */
  print(before: StatementCounts, after: StatementCounts, messages: number): void {
    const ran = [...after]
      .map(([id, { query, toplevel, ...now }]) => ({
        toplevel,
        ...since(now, before.get(id)),
        query: query.replace(/\s+/g, ' ').slice(0, 100),
      }))
      .filter((statement) => statement.calls > 0)
      .sort((a, b) => b.calls - a.calls);
    const perMessage = (n: number, digits: number, width: number) =>
      (n / messages).toFixed(digits).padStart(width);
    const total = (key: keyof Totals) =>
      ran.filter((s) => s.toplevel).reduce((sum, statement) => sum + statement[key], 0);
    console.log(
      `PostgreSQL per message in statements: ${perMessage(total('ms'), 3, 0)} ms, ` +
        `${perMessage(total('walRecords'), 1, 0)} WAL records, ${perMessage(total('buffers'), 0, 0)} buffers`,
    );
    for (const { toplevel, calls, ms, walRecords, buffers, query } of ran.slice(0, 40)) {
      console.log(
        `${String(calls).padStart(6)} ${perMessage(calls, 2, 6)}/msg ${perMessage(ms, 3, 7)} ms ` +
          `${perMessage(walRecords, 1, 5)} WAL ${perMessage(buffers, 0, 4)} buf /msg ` +
          `${(ms / calls).toFixed(3).padStart(7)} ms/call ${toplevel ? ' ' : '>'} ${query}`,
      );
    }
  }

  close(): Promise<void> {
    return this.server.end();
  }
}

/**
 * What counters `now` went up by since `was` (pg_stat counters, never reset here). Their types
 * (Totals, RowWrites) are type aliases: an interface has no index signature to pass for T.
 */
function since<T extends Record<string, number>>(now: T, was: T | undefined): T {
  const entries = Object.entries(now).map(([key, value]) => [key, value - (was?.[key] ?? 0)]);
  return Object.fromEntries(entries) as T;
}

type RowWrites = { inserted: number; updated: number; hot: number; deleted: number };
type Writes = Map<string, RowWrites>;

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
      const { inserted, updated, hot, deleted } = since(now, before.get(table));
      if (!inserted && !updated && !deleted) continue;
      console.log(
        `${table.padEnd(34)} inserted ${perMessage(inserted)} updated ${perMessage(updated)} (HOT ${perMessage(hot)}) deleted ${perMessage(deleted)} /msg`,
      );
    }
  }
}
