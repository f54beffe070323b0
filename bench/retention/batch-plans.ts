import type { Client } from 'pg';
import { uuidV7Floor } from '@core/database/ids';
import { EXPIRED_BATCH_SQL } from '@app/messaging/privacy/message-retention';

export interface BatchPlan {
  executionMs: number;
  /** Shared buffers hit + read: how much of the table and index the batch touched. */
  buffers: number;
  /** The plan's top node, e.g. "Index Only Scan using messages_tenant_id_idx on messages". */
  access: string;
}

export interface BatchPlans {
  tenant: 'purged' | 'small';
  withTenantIndex: BatchPlan;
  withoutTenantIndex: BatchPlan;
}

/**
 * The retention task's batch query (MessageRetention's own SQL) for a tenant, planned and run
 * under EXPLAIN ANALYZE with messages_tenant_id_idx and, inside a transaction that is rolled
 * back, without it: what the index saves a small tenant whose table neighbours hold a large
 * expired history, and what it does for the large tenant itself.
 */
export async function batchPlans(
  client: Client,
  tenants: { purged: string; small: string },
  before: Date,
  batchSize: number,
): Promise<BatchPlans[]> {
  const plans: BatchPlans[] = [];
  for (const tenant of ['purged', 'small'] as const) {
    const params = [tenants[tenant], uuidV7Floor(before), batchSize];
    const withTenantIndex = await explain(client, params);
    await client.query('BEGIN');
    try {
      await client.query('DROP INDEX messages_tenant_id_idx');
      const withoutTenantIndex = await explain(client, params);
      plans.push({ tenant, withTenantIndex, withoutTenantIndex });
    } finally {
      await client.query('ROLLBACK');
    }
  }
  return plans;
}

/** Runs twice and keeps the second, warm plan. */
async function explain(client: Client, params: unknown[]): Promise<BatchPlan> {
  const run = () =>
    client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${EXPIRED_BATCH_SQL}`,
      params,
    );
  await run();
  const lines = (await run()).rows.map((row) => row['QUERY PLAN']);
  const text = lines.join('\n');
  const buffers = /Buffers: shared hit=(\d+)(?: read=(\d+))?/.exec(text);
  return {
    executionMs: Number(/Execution Time: ([\d.]+) ms/.exec(text)?.[1] ?? NaN),
    buffers: Number(buffers?.[1] ?? 0) + Number(buffers?.[2] ?? 0),
    access:
      lines
        .find((line) => /Scan/.test(line))
        ?.replace(/^[\s>-]+/, '')
        .replace(/\s+\(cost.*$/, '') ?? '',
  };
}
