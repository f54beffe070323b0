// The six reads the history benchmark measures, with cursors found in the database at the
// depth each read is meant to have, and the EXPLAIN (ANALYZE, BUFFERS) of the SQL each one
// runs, built by the same functions the app uses.
import type { Pool } from 'pg';
import { encodeCursor } from '@core/api/pagination';
import { conversationPageSql } from '@app/messaging/history/conversations.query';
import { messagePageSql } from '@app/messaging/history/message-history.query';
import type { MeasuredConversations } from './bulk-load';

/** The frontend's default page size. */
export const PAGE_LIMIT = 50;

export const ROUTE_NAMES = [
  'list-first',
  'list-deep',
  'long-newest',
  'long-older',
  'typical-newest',
  'typical-older',
] as const;
export type RouteName = (typeof ROUTE_NAMES)[number];

export interface MeasuredRoute {
  name: RouteName;
  path: string;
  /** What the read covers at this size, e.g. the cursor's depth. */
  describes: string;
  /** The app's SQL for this read, for EXPLAIN. */
  sql: { sql: string; params: unknown[] };
}

export interface QueryPlan {
  planningMs: number;
  executionMs: number;
  /** Shared buffers hit and read by the whole plan. */
  sharedHit: number;
  sharedRead: number;
  text: string[];
}

/**
 * Cursors sit in the middle of a list, with at least a full page after them: deep enough that
 * OFFSET pagination would show its cost, and every read returns a full page at every size.
 */
function middle(count: number): number {
  return Math.min(Math.floor(count / 2), count - PAGE_LIMIT - 1);
}

export async function measuredRoutes(
  db: Pool,
  tenantId: string,
  conversations: MeasuredConversations,
): Promise<MeasuredRoute[]> {
  const listPath = `/api/v2/conversations?limit=${PAGE_LIMIT}`;
  const { rows: countRows } = await db.query<{ count: string }>(
    `SELECT count(*) AS count FROM conversations WHERE tenant_id = $1`,
    [tenantId],
  );
  const listed = Number(countRows[0].count);
  const listPosition = middle(listed);
  // The cursor the API would hand out after that row: [activity in epoch microseconds, id].
  const { rows: listRows } = await db.query<{ micros: string; id: string }>(
    `SELECT (extract(epoch FROM last_message_at) * 1000000)::bigint::text AS micros, id
     FROM conversations WHERE tenant_id = $1
     ORDER BY last_message_at DESC, id DESC OFFSET $2 LIMIT 1`,
    [tenantId, listPosition],
  );
  const listCursor = listRows[0];

  const routes: MeasuredRoute[] = [
    {
      name: 'list-first',
      path: listPath,
      describes: `first page of ${listed} conversations`,
      sql: conversationPageSql(tenantId, {}, PAGE_LIMIT),
    },
    {
      name: 'list-deep',
      path: `${listPath}&cursor=${encodeCursor([listCursor.micros, listCursor.id])}`,
      describes: `page after conversation ${listPosition + 1} of ${listed}`,
      sql: conversationPageSql(tenantId, {}, PAGE_LIMIT, listCursor),
    },
  ];
  for (const kind of ['long', 'typical'] as const) {
    const conversationId = conversations[kind];
    const { rows } = await db.query<{ count: string }>(
      `SELECT count(*) AS count FROM messages WHERE conversation_id = $1`,
      [conversationId],
    );
    const count = Number(rows[0].count);
    const position = middle(count);
    const { rows: cursorRows } = await db.query<{ id: string }>(
      `SELECT id FROM messages WHERE conversation_id = $1 ORDER BY id DESC OFFSET $2 LIMIT 1`,
      [conversationId, position],
    );
    const beforeId = cursorRows[0].id;
    const path = `/api/v2/conversations/${conversationId}/messages?limit=${PAGE_LIMIT}`;
    routes.push(
      {
        name: `${kind}-newest`,
        path,
        describes: `newest page of ${count} messages`,
        sql: messagePageSql(tenantId, conversationId, {}, PAGE_LIMIT),
      },
      {
        name: `${kind}-older`,
        path: `${path}&cursor=${encodeCursor([beforeId])}`,
        describes: `page after message ${position + 1} of ${count}, newest first`,
        sql: messagePageSql(tenantId, conversationId, {}, PAGE_LIMIT, beforeId),
      },
    );
  }
  return routes;
}

/** Runs the route's SQL under EXPLAIN (ANALYZE, BUFFERS) twice and keeps the warm second plan. */
export async function explain(db: Pool, route: MeasuredRoute): Promise<QueryPlan> {
  const run = () =>
    db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${route.sql.sql}`,
      route.sql.params,
    );
  await run();
  const text = (await run()).rows.map((row) => row['QUERY PLAN']);
  const number = (pattern: RegExp) => Number(pattern.exec(text.join('\n'))?.[1] ?? NaN);
  const topBuffers = text.find((line) => /Buffers:/.test(line)) ?? '';
  return {
    planningMs: number(/Planning Time: ([\d.]+) ms/),
    executionMs: number(/Execution Time: ([\d.]+) ms/),
    sharedHit: Number(/shared hit=(\d+)/.exec(topBuffers)?.[1] ?? 0),
    sharedRead: Number(/read=(\d+)/.exec(topBuffers)?.[1] ?? 0),
    text,
  };
}
