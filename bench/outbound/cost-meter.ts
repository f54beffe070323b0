import { existsSync } from 'node:fs';
import type { Pool } from 'pg';
import { processCpuMs } from '../support/process-cpu';
import { round2 } from '../support/report';

/** What the processes under test and the bench database have used so far. */
export interface CostReading {
  /** CPU ms per Omnihub process. */
  processes: Record<string, number>;
  /** CPU ms per PostgreSQL backend serving the bench database. */
  backends: Map<number, number>;
  /** Transactions committed in the bench database (pg_stat_database.xact_commit). */
  commits: number;
}

/** Per message: CPU ms per process and for PostgreSQL, and database transactions. */
export interface MessageCost {
  cpuMs: Record<string, number>;
  commits: number;
}

/**
 * Reads the CPU time of the Omnihub processes under test and of the PostgreSQL backends
 * serving the bench database (found in pg_stat_activity), and the database's commit count.
 * Per message these are the figures a shared machine does not distort. A backend that exits
 * between two readings loses its share, which does not happen under load: the pool's
 * connections stay busy.
 */
export class CostMeter {
  constructor(
    private readonly pids: Record<string, number>,
    private readonly db: Pool,
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
    // Backends publish their counters at most once a second; read after they have.
    await new Promise((done) => setTimeout(done, 1_100));
    const stats = await this.db.query<{ commits: string }>(
      `SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()`,
    );
    return { processes, backends, commits: Number(stats.rows[0].commits) };
  }
}

/** The cost of each of `messages` messages between two readings. */
export function costPerMessage(
  before: CostReading,
  after: CostReading,
  messages: number,
): MessageCost {
  const cpuMs: Record<string, number> = {};
  for (const [name, ms] of Object.entries(after.processes)) {
    cpuMs[name] = round2((ms - before.processes[name]) / messages);
  }
  let postgres = 0;
  for (const [pid, ms] of after.backends) postgres += ms - (before.backends.get(pid) ?? 0);
  cpuMs.postgres = round2(postgres / messages);
  return { cpuMs, commits: round2((after.commits - before.commits) / messages) };
}
