// The set-based statements that add a growth step's conversations (with contacts and
// identities), share its messages out among all conversations, and afterwards set the columns
// the inbound pipeline would have kept current. Bookkeeping lives in bench_* tables beside the
// app's schema, in the bench's own database.
import { uuidV7Sql } from './message-sql';

/** Per conversation: its tenant and account, its role in the benchmark and its weight. */
export const CREATE_PLAN_TABLE = `
  CREATE TABLE bench_conversation_plan (
    conversation_id     uuid PRIMARY KEY,
    tenant_id           uuid NOT NULL,
    channel_account_id  uuid NOT NULL,
    provider            text NOT NULL,
    role                text,
    fixed_share         float8,
    weight              float8 NOT NULL,
    created_step        int NOT NULL
  )`;

/** How many messages each conversation gets in the step being loaded. */
export const CREATE_ALLOCATION_TABLE = `
  CREATE TABLE bench_step_allocation (conversation_id uuid PRIMARY KEY, n int NOT NULL)`;

/**
 * Draws the step's new conversations into bench_fresh, per tenant (parallel arrays): $1 tenant
 * ids, $2 how many to add, $3/$4 main account id and provider, $5/$6 backup account id and
 * provider, $10 long-conversation share, $11 whether it is the measured tenant; $7 contacts
 * already stored (serials continue from there), $8 the step's start (ids), $9 the main
 * account's share of conversations. Weights follow a Lomax (Pareto II) distribution of shape
 * 1.5, which starts at 0: many conversations stay at a handful of messages, a few run to tens
 * of thousands.
 */
export const DRAW_NEW_CONVERSATIONS = `
  CREATE TABLE bench_fresh AS
  SELECT tenant_id, long_share, measured, ordinal,
         $7::bigint + row_number() OVER () AS serial,
         ${uuidV7Sql('$8::timestamptz')} AS contact_id,
         ${uuidV7Sql('$8::timestamptz')} AS conversation_id,
         CASE WHEN r_account < $9 THEN main_id ELSE backup_id END AS channel_account_id,
         CASE WHEN r_account < $9 THEN main_provider ELSE backup_provider END AS provider,
         r_status, power(1 - r_weight, -1 / 1.5) - 1 AS weight
  FROM (
    SELECT t.*, g AS ordinal, random() AS r_account, random() AS r_status, random() AS r_weight
    FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::text[], $5::uuid[], $6::text[],
                $10::float8[], $11::bool[])
           AS t(tenant_id, count, main_id, main_provider, backup_id, backup_provider,
                long_share, measured)
    CROSS JOIN LATERAL generate_series(1, t.count) g
    -- one draw per row: without it, r_account could be drawn again for each use
    OFFSET 0
  ) drawn`;

/** One contact per new conversation; $1 a placeholder creation time, corrected later. */
export const INSERT_NEW_CONTACTS = `
  INSERT INTO contacts (id, tenant_id, display_name, phone, created_at, updated_at)
  SELECT contact_id, tenant_id, 'Cliente ' || serial, '+55119' || lpad(serial::text, 8, '0'), $1, $1
  FROM bench_fresh`;

/** A wa_id identity for every new contact and a phone identity for half of them, at $1. */
export const INSERT_NEW_IDENTITIES = `
  INSERT INTO contact_identities (id, tenant_id, contact_id, type, value, created_at)
  SELECT ${uuidV7Sql('$1::timestamptz')}, tenant_id, contact_id, 'wa_id', '55119' || lpad(serial::text, 8, '0'), $1
  FROM bench_fresh
  UNION ALL
  SELECT ${uuidV7Sql('$1::timestamptz')}, tenant_id, contact_id, 'phone', '+55119' || lpad(serial::text, 8, '0'), $1
  FROM bench_fresh WHERE serial % 2 = 0`;

/** $1 placeholder activity, $2 placeholder creation time: both are corrected after the messages. */
export const INSERT_NEW_CONVERSATIONS = `
  INSERT INTO conversations (id, tenant_id, channel_account_id, contact_id, status, last_message_at, created_at, updated_at)
  SELECT conversation_id, tenant_id, channel_account_id, contact_id,
         CASE WHEN r_status < 0.3 THEN 'open' ELSE 'closed' END, $1, $2, $2
  FROM bench_fresh`;

/** The first step ($1 = 0) names each tenant's long conversation and the measured tenant's typical one. */
export const PLAN_NEW_CONVERSATIONS = `
  INSERT INTO bench_conversation_plan
    (conversation_id, tenant_id, channel_account_id, provider, role, fixed_share, weight, created_step)
  SELECT conversation_id, tenant_id, channel_account_id, provider,
         CASE WHEN $1 = 0 AND ordinal = 1 THEN 'long'
              WHEN $1 = 0 AND ordinal = 2 AND measured THEN 'typical' END,
         CASE WHEN $1 = 0 AND ordinal = 1 THEN long_share END,
         weight, $1
  FROM bench_fresh`;

/**
 * Shares out $1 messages of step $2: long conversations their fixed share, the typical one $3
 * messages in the step that created it and $4 in later ones, every new conversation its first
 * message, and the rest in proportion to weight (largest remainder, so the sum is exactly $1).
 */
export const ALLOCATE_STEP_MESSAGES = `
  INSERT INTO bench_step_allocation (conversation_id, n)
  WITH base AS (
    SELECT conversation_id, role, weight,
      CASE
        WHEN role = 'long' THEN round($1 * fixed_share)::int
        WHEN role = 'typical' THEN CASE WHEN created_step = $2 THEN $3::int ELSE $4::int END
        WHEN created_step = $2 THEN 1
        ELSE 0
      END AS fixed
    FROM bench_conversation_plan
  ),
  spare AS (
    SELECT $1 - sum(fixed) AS messages, sum(weight) FILTER (WHERE role IS NULL) AS weight FROM base
  ),
  floored AS (
    SELECT b.conversation_id, b.fixed,
           floor(CASE WHEN b.role IS NULL THEN s.messages * b.weight / s.weight ELSE 0 END)::int AS whole,
           CASE WHEN b.role IS NULL THEN s.messages * b.weight / s.weight ELSE 0 END AS exact
    FROM base b CROSS JOIN spare s
  ),
  leftover AS (SELECT (SELECT messages FROM spare) - sum(whole) AS n FROM floored)
  SELECT conversation_id,
         fixed + whole + CASE WHEN row_number() OVER (ORDER BY exact - whole DESC, conversation_id)
                                   <= (SELECT n FROM leftover) THEN 1 ELSE 0 END
  FROM floored`;

/** Activity columns from the messages dated from $1 on, as the inbound pipeline keeps them. */
export const UPDATE_CONVERSATION_ACTIVITY = `
  UPDATE conversations c
  SET last_message_at = s.last_at,
      last_inbound_at = GREATEST(c.last_inbound_at, s.last_inbound_at),
      updated_at = s.last_at,
      created_at = LEAST(c.created_at, s.first_at)
  FROM (
    SELECT conversation_id, min(created_at) AS first_at, max(created_at) AS last_at,
           max(created_at) FILTER (WHERE direction = 'inbound') AS last_inbound_at
    FROM messages WHERE created_at >= $1 GROUP BY conversation_id
  ) s
  WHERE c.id = s.conversation_id`;

/** A contact appears with its first conversation. */
export const UPDATE_CONTACT_FIRST_SEEN = `
  UPDATE contacts ct SET created_at = c.created_at, updated_at = c.created_at
  FROM conversations c
  WHERE c.contact_id = ct.id AND ct.created_at > c.created_at`;
