import { existsSync } from 'node:fs';
import type { Pool } from 'pg';
import { processCpuMs } from '../support/process-cpu';
import { round2 } from '../support/report';

/** CPU milliseconds used so far by each process under test and each database backend. */
export interface CpuReading {
  processes: Record<string, number>;
  backends: Map<number, number>;
}

/**
 * Reads the CPU time of the Omnihub processes under test and of the PostgreSQL backends
 * serving the bench database (found in pg_stat_activity). Per message, this is the figure a
 * shared machine does not distort. A backend that exits between two readings loses its share,
 * which does not happen under load: the pool's connections stay busy.
 */
export class CpuMeter {
  constructor(
    private readonly pids: Record<string, number>,
    private readonly db: Pool,
  ) {}

  async read(): Promise<CpuReading> {
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
    return { processes, backends };
  }
}

/** CPU ms per message between two readings: per process, and `postgres` for the backends. */
export function cpuPerMessage(
  before: CpuReading,
  after: CpuReading,
  messages: number,
): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [name, ms] of Object.entries(after.processes)) {
    result[name] = round2((ms - before.processes[name]) / messages);
  }
  let postgres = 0;
  for (const [pid, ms] of after.backends) postgres += ms - (before.backends.get(pid) ?? 0);
  result.postgres = round2(postgres / messages);
  return result;
}
