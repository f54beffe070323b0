// The database's share of each read, measured inside PostgreSQL: planning + execution time
// and the shared buffers the plan touches, for the same SQL the app runs. Buffers count work,
// not time, so they show whether a read stays flat even when other processes on the machine
// make every latency noisy.
import type { Pool } from 'pg';
import { median, percentile, round2, type Target } from '../support/report';
import { sizeLabel } from './data-plan';
import type { DatabaseRole } from './load';
import { FLATNESS_LIMIT } from './report';
import type { MeasuredRoute, RouteName } from './routes';

export interface SqlTarget {
  database: DatabaseRole;
  size: number;
  db: Pool;
  routes: MeasuredRoute[];
}

export interface SqlRecord {
  step: number;
  database: DatabaseRole;
  size: number;
  route: RouteName;
  samples: number;
  /** Planning + execution, as PostgreSQL reports them. */
  p50Ms: number;
  p99Ms: number;
  /** Shared buffers (hit + read) of the whole plan, median over samples. */
  buffers: number;
}

interface ExplainJson {
  Plan: { 'Shared Hit Blocks': number; 'Shared Read Blocks': number };
  'Planning Time': number;
  'Execution Time': number;
}

/**
 * Runs every route's SQL `iterations` times on each target, alternating between targets
 * query by query so both meet the same machine load.
 */
export async function measureSql(
  step: number,
  targets: readonly SqlTarget[],
  iterations: number,
): Promise<SqlRecord[]> {
  const records: SqlRecord[] = [];
  for (const [index, route] of targets[0].routes.entries()) {
    const samples = targets.map(() => ({ ms: [] as number[], buffers: [] as number[] }));
    for (let i = 0; i < iterations; i += 1) {
      for (const [t, target] of targets.entries()) {
        const { sql, params } = target.routes[index].sql;
        const { rows } = await target.db.query<{ 'QUERY PLAN': ExplainJson[] }>(
          `EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) ${sql}`,
          params,
        );
        const [plan] = rows[0]['QUERY PLAN'];
        samples[t].ms.push(plan['Planning Time'] + plan['Execution Time']);
        samples[t].buffers.push(plan.Plan['Shared Hit Blocks'] + plan.Plan['Shared Read Blocks']);
      }
    }
    for (const [t, target] of targets.entries()) {
      records.push({
        step,
        database: target.database,
        size: target.size,
        route: route.name,
        samples: iterations,
        p50Ms: round2(percentile(samples[t].ms, 50)),
        p99Ms: round2(percentile(samples[t].ms, 99)),
        buffers: median(samples[t].buffers),
      });
    }
  }
  return records;
}

export interface SqlGrowth {
  step: number;
  route: RouteName;
  /** Growing database over the reference, measured alternately in the same step. */
  p50: number;
  p99: number;
  buffers: number;
}

export function sqlGrowth(records: readonly SqlRecord[]): SqlGrowth[] {
  const ratio = (a: number, b: number) => (b ? round2(a / b) : NaN);
  return records
    .filter((record) => record.database === 'growing')
    .flatMap((grown) => {
      const reference = records.find(
        (r) => r.step === grown.step && r.route === grown.route && r.database === 'reference',
      );
      if (!reference) return [];
      return [
        {
          step: grown.step,
          route: grown.route,
          p50: ratio(grown.p50Ms, reference.p50Ms),
          p99: ratio(grown.p99Ms, reference.p99Ms),
          buffers: ratio(grown.buffers, reference.buffers),
        },
      ];
    });
}

/** The flatness bound applied inside PostgreSQL, where other processes add less noise. */
export function sqlTargets(records: readonly SqlRecord[], ratios: readonly SqlGrowth[]): Target[] {
  const largest = Math.max(...ratios.map((g) => g.step));
  return ratios
    .filter((g) => g.step === largest)
    .map((g) => {
      const own = (database: DatabaseRole) =>
        records.find((r) => r.step === g.step && r.route === g.route && r.database === database)!;
      const [grown, reference] = [own('growing'), own('reference')];
      return {
        target: `${g.route} inside PostgreSQL: p99 at ${sizeLabel(grown.size)} within ${FLATNESS_LIMIT}x of p99 at ${sizeLabel(reference.size)}`,
        measured:
          `${grown.p99Ms} ms vs ${reference.p99Ms} ms = ${g.p99}x; ` +
          `buffers ${grown.buffers} vs ${reference.buffers} = ${g.buffers}x`,
        met: g.p99 <= FLATNESS_LIMIT,
      };
    });
}

export function printSqlTable(records: readonly SqlRecord[], ratios: readonly SqlGrowth[]): void {
  console.log('Inside PostgreSQL (planning + execution, shared buffers touched):');
  console.table(
    ratios.map((g) => {
      const own = (database: DatabaseRole) =>
        records.find((r) => r.step === g.step && r.route === g.route && r.database === database)!;
      return {
        step: sizeLabel(g.step),
        route: g.route,
        'p50 ms': `${own('growing').p50Ms} / ${own('reference').p50Ms}`,
        'p99 ms': `${own('growing').p99Ms} / ${own('reference').p99Ms}`,
        buffers: `${own('growing').buffers} / ${own('reference').buffers}`,
        'p99 ratio': g.p99,
        'buffers ratio': g.buffers,
      };
    }),
  );
}
