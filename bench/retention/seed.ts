// Seeds the retention benchmark's database with set-based SQL: the purged tenant's expired
// history (BENCH_RETENTION_MESSAGES, 1M by default, 400 to 730 days old) spread over its
// conversations, recent messages in the conversations the history load reads, and a small
// tenant whose few messages are all recent. Ids are UUIDv7 of each message's own time, as the
// app mints them, since retention finds "older than" as an id range.
import type { Client } from 'pg';
import { newId } from '@core/database/ids';
import { uuidV7Sql } from '../history/message-sql';

export interface SeedPlan {
  expiredMessages: number;
  conversations: number;
  /** Conversations the history load reads; each has `recentPerRead` recent messages too. */
  readConversations: number;
  recentPerRead: number;
  smallTenantMessages: number;
}

export interface SeededTenant {
  id: string;
  accountId: string;
  conversationIds: string[];
}

const DAY = `interval '1 day'`;

export async function createSmallTenant(client: Client): Promise<string> {
  const id = newId();
  await client.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3)`, [
    id,
    'Small bench tenant',
    `small-bench-${id.slice(-12)}`,
  ]);
  return id;
}

/** An account and `count` conversations (each with its contact and wa_id identity). */
export async function seedConversations(
  client: Client,
  tenantId: string,
  count: number,
  label: string,
): Promise<SeededTenant> {
  const accountId = newId();
  await client.query(
    `INSERT INTO channel_accounts (id, tenant_id, hub, provider, name, external_id, credentials)
     VALUES ($1, $2, 'whatsapp', 'meta-cloud', $3, $3, 'bench: never opened')`,
    [accountId, tenantId, `${label}-${accountId.slice(-12)}`],
  );
  const { rows } = await client.query<{ id: string }>(
    `WITH drawn AS (
       SELECT ${uuidV7Sql(`now() - 800 * ${DAY}`)} AS contact_id,
              ${uuidV7Sql(`now() - 800 * ${DAY}`)} AS conversation_id, serial
       FROM generate_series(1, $3::int) AS serial
     ), contacts AS (
       INSERT INTO contacts (id, tenant_id, display_name, phone, created_at, updated_at)
       SELECT contact_id, $1, 'Cliente ' || serial, '+55119' || lpad(serial::text, 8, '0'),
              now() - 800 * ${DAY}, now()
       FROM drawn
     ), identities AS (
       INSERT INTO contact_identities (id, tenant_id, contact_id, type, value, created_at)
       SELECT ${uuidV7Sql(`now() - 800 * ${DAY}`)}, $1, contact_id, 'wa_id',
              '55119' || lpad(serial::text, 8, '0'), now() - 800 * ${DAY}
       FROM drawn
     )
     INSERT INTO conversations (id, tenant_id, channel_account_id, contact_id, status,
                                last_message_at, created_at, updated_at)
     SELECT conversation_id, $1, $2, contact_id, 'open', now(), now() - 800 * ${DAY}, now()
     FROM drawn ORDER BY serial
     RETURNING id`,
    [tenantId, accountId, count],
  );
  return { id: tenantId, accountId, conversationIds: rows.map((row) => row.id) };
}

/**
 * `count` text messages over `conversationIds` (round robin), dated uniformly between
 * `fromDaysAgo` and `toDaysAgo`, inserted in time order as live traffic would have left them.
 */
export async function seedMessages(
  client: Client,
  tenant: SeededTenant,
  conversationIds: readonly string[],
  count: number,
  fromDaysAgo: number,
  toDaysAgo: number,
): Promise<void> {
  await client.query(
    `INSERT INTO messages (id, tenant_id, conversation_id, channel_account_id, direction, type,
                           content, status, provider, provider_message_id, created_at, updated_at)
     SELECT ${uuidV7Sql('created_at')}, $1, ($3::uuid[])[1 + serial % array_length($3::uuid[], 1)],
            $2, 'inbound', 'text',
            jsonb_build_object('type', 'text', 'text', 'Olá, gostaria de remarcar a consulta ' || serial),
            'received', 'meta-cloud', 'wamid.bench.' || serial || '.' || $7, created_at, created_at
     FROM (
       SELECT serial, now() - ($5::float8 + random() * ($4::float8 - $5::float8)) * ${DAY} AS created_at
       FROM generate_series(1, $6::int) AS serial
       ORDER BY created_at
     ) timed`,
    [tenant.id, tenant.accountId, conversationIds, fromDaysAgo, toDaysAgo, count, newId()],
  );
}
