import type { Pool } from 'pg';
import { round2 } from '../support/report';
import { databaseCommits } from './cost-meter';
import type { SendLoad } from './send-load';
import { TableWrites } from './statement-count';

/** PostgreSQL defers publishing a backend's counters by up to 10 s after a burst. */
const STATS_SETTLE_MS = 11_000;
const IDLE_WINDOW_MS = 5_000;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * PostgreSQL transactions per message, from pg_stat_database.xact_commit around a small run
 * (`messages` sends at 50/s): every autocommit statement is one. Measured once per mode with
 * the counters settled on both sides, and the idle rate of the other processes on the same
 * database (sweepers, health checks) measured first and subtracted. BENCH_STATEMENTS=1 prints
 * the rows written in the window too (TableWrites); its statements are printed by the load's
 * CostMeter, as for every run.
 */
export async function measureCommitsPerMessage(
  load: SendLoad,
  mode: string,
  db: Pool,
  messages = 200,
): Promise<number> {
  const tables = process.env.BENCH_STATEMENTS ? new TableWrites(db) : undefined;
  await sleep(STATS_SETTLE_MS);
  const idleFrom = { at: Date.now(), commits: await databaseCommits(db) };
  await sleep(IDLE_WINDOW_MS);
  const from = { at: Date.now(), commits: await databaseCommits(db) };
  const tablesFrom = await tables?.read();
  const idlePerMs = (from.commits - idleFrom.commits) / (from.at - idleFrom.at);
  const run = await load.run(mode, { kind: 'rate', rate: 50, connections: 10 }, messages / 50);
  await sleep(STATS_SETTLE_MS);
  const to = { at: Date.now(), commits: await databaseCommits(db) };
  const commits = to.commits - from.commits - idlePerMs * (to.at - from.at);
  if (tables && tablesFrom)
    tables.print(tablesFrom, await tables.read(), Math.max(run.accepted, 1));
  return round2(commits / Math.max(run.accepted, 1));
}
