import { existsSync } from 'node:fs';
import type { Pool } from 'pg';
import { processCpuMs } from '../support/process-cpu';
import { round2 } from '../support/report';
import type { StatementCounter, StatementCounts } from './statement-count';

/** CPU time used so far by the processes under test and the bench database's backends. */
export interface CostReading {
  /** CPU ms per Omnihub process. */
  processes: Record<string, number>;
  /** CPU ms per PostgreSQL backend serving the bench database. */
  backends: Map<number, number>;
  /** The bench database's statement counters, when the meter has a StatementCounter. */
  statements?: StatementCounts;
}

/**
 * Reads the CPU time of the Omnihub processes under test and of the PostgreSQL backends
 * serving the bench database (found in pg_stat_activity). Per message, the figure a shared
 * machine does not distort. A backend that exits between two readings loses its share, which
 * does not happen under load: the pool's connections stay busy.
 */
export class CostMeter {
  constructor(
    private readonly pids: Record<string, number>,
    private readonly db: Pool,
    private readonly statements?: StatementCounter,
  ) {}

  async read(): Promise<CostReading> {
    const processes: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) processes[name] = processCpuMs(pid);
    const { rows } = await this.db.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    const backends = new Map<number, number>();
    for (const { pid } of rows) {
      if (existsSync(`/proc/${pid}/stat`)) backends.set(pid, processCpuMs(pid));
    }
    return { processes, backends, statements: await this.statements?.read() };
  }

  /**
   * With a StatementCounter (BENCH_STATEMENTS=1): the statements run between two readings,
   * per message, under `title`. What a statement costs depends on the rate (a poll at 250/s
   * carries more events than at 50/s), so each measured run prints its own.
   */
  printStatements(title: string, before: CostReading, after: CostReading, messages: number): void {
    if (!this.statements || !before.statements || !after.statements) return;
    console.log(title);
    this.statements.print(before.statements, after.statements, messages);
  }
}

/** CPU ms per message between two readings: per process, and `postgres` for the backends. */
export function cpuPerMessage(
  before: CostReading,
  after: CostReading,
  messages: number,
): Record<string, number> {
  const cpuMs: Record<string, number> = {};
  for (const [name, ms] of Object.entries(after.processes)) {
    cpuMs[name] = round2((ms - before.processes[name]) / messages);
  }
  let postgres = 0;
  for (const [pid, ms] of after.backends) postgres += ms - (before.backends.get(pid) ?? 0);
  cpuMs.postgres = round2(postgres / messages);
  return cpuMs;
}

/** Transactions committed in the bench database so far (pg_stat_database.xact_commit). */
export async function databaseCommits(db: Pool): Promise<number> {
  const { rows } = await db.query<{ commits: string }>(
    `SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()`,
  );
  return Number(rows[0].commits);
}
