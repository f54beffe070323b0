// Grows the bench database to a number of stored messages with set-based SQL inside
// PostgreSQL: new conversations (with their contacts and identities) first, then the step's
// messages in time slices of at most SLICE_MESSAGES rows, then each conversation's activity
// columns, then VACUUM (ANALYZE) and a checkpoint, as autovacuum and the checkpointer would
// get to before anyone reads the data.
import { Client } from 'pg';
import { newId } from '@core/database/ids';
import { round1 } from '../support/report';
import {
  type GrowthStep,
  MEASURED_TENANT,
  OTHER_TENANTS,
  type TenantShare,
  TYPICAL_CONVERSATION,
} from './data-plan';
import {
  ALLOCATE_STEP_MESSAGES,
  CREATE_ALLOCATION_TABLE,
  CREATE_PLAN_TABLE,
  DRAW_NEW_CONVERSATIONS,
  INSERT_NEW_CONTACTS,
  INSERT_NEW_CONVERSATIONS,
  INSERT_NEW_IDENTITIES,
  PLAN_NEW_CONVERSATIONS,
  UPDATE_CONTACT_FIRST_SEEN,
  UPDATE_CONVERSATION_ACTIVITY,
} from './conversation-sql';
import { INSERT_MESSAGE_SLICE } from './message-sql';

const SLICE_MESSAGES = 500_000;

/** Of a tenant's conversations, the share on its Cloud API number (the rest are on Evolution). */
const MAIN_ACCOUNT_SHARE = 0.75;

interface LoadedTenant extends TenantShare {
  id: string;
  main: { id: string; provider: string };
  backup: { id: string; provider: string };
}

/** Seconds spent in each part of one growth step, and what the tables hold after it. */
export interface StepLoad {
  size: number;
  addedMessages: number;
  addedConversations: number;
  conversationsS: number;
  messagesS: number;
  activityS: number;
  vacuumAnalyzeS: number;
  checkpointS: number;
  totalS: number;
  rows: { messages: number; conversations: number; contacts: number; contactIdentities: number };
  bytes: { messages: number; messagesIndexes: number };
}

/** The conversations the benchmark reads, chosen when the first step is loaded. */
export interface MeasuredConversations {
  long: string;
  typical: string;
}

export class HistoryLoader {
  private tenants: LoadedTenant[] = [];

  private constructor(private readonly client: Client) {}

  /** Connects and creates the bench's bookkeeping tables beside the app's schema. */
  static async open(databaseUrl: string): Promise<HistoryLoader> {
    const client = new Client({ connectionString: databaseUrl, application_name: 'bench-history' });
    await client.connect();
    // Sorting a 500k-row slice and vacuuming millions of rows in memory, for this session only.
    await client.query(`SET work_mem = '256MB'`);
    await client.query(`SET maintenance_work_mem = '512MB'`);
    await client.query(CREATE_PLAN_TABLE);
    await client.query(CREATE_ALLOCATION_TABLE);
    return new HistoryLoader(client);
  }

  async close(): Promise<void> {
    await this.client.end();
  }

  /** The measured tenant (created through the API) and the others, each with two accounts. */
  async createTenants(measuredTenantId: string): Promise<void> {
    const shares = [MEASURED_TENANT, ...OTHER_TENANTS];
    this.tenants = shares.map((share, index) => ({
      ...share,
      id: index === 0 ? measuredTenantId : newId(),
      main: { id: newId(), provider: 'meta-cloud' },
      backup: { id: newId(), provider: 'evolution' },
    }));
    for (const [index, tenant] of this.tenants.entries()) {
      if (index > 0) {
        await this.client.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3)`, [
          tenant.id,
          `Bench tenant ${index}`,
          `bench-tenant-${index}-${tenant.id.slice(-12)}`,
        ]);
      }
      await this.client.query(
        `INSERT INTO channel_accounts (id, tenant_id, hub, provider, name, external_id, credentials)
         VALUES ($1, $3, 'whatsapp', $4, 'main-line', $5, 'bench: never opened'),
                ($2, $3, 'whatsapp', $6, 'backup-line', $7, 'bench: never opened')`,
        [
          tenant.main.id,
          tenant.backup.id,
          tenant.id,
          tenant.main.provider,
          `10${index}000000${index}`,
          tenant.backup.provider,
          `bench-instance-${index}-${tenant.id.slice(-12)}`,
        ],
      );
    }
  }

  async measuredConversations(): Promise<MeasuredConversations> {
    const { rows } = await this.client.query<{ role: 'long' | 'typical'; id: string }>(
      `SELECT role, conversation_id AS id FROM bench_conversation_plan
       WHERE tenant_id = $1 AND role IS NOT NULL`,
      [this.tenants[0].id],
    );
    const find = (role: string) => {
      const row = rows.find((candidate) => candidate.role === role);
      if (!row) throw new Error(`no ${role} conversation was planned`);
      return row.id;
    };
    return { long: find('long'), typical: find('typical') };
  }

  async grow(step: GrowthStep): Promise<StepLoad> {
    const started = Date.now();
    const addedConversations = await this.addConversations(step);
    const conversationsDone = Date.now();

    await this.allocateMessages(step);
    const slices = Math.ceil(step.messages / SLICE_MESSAGES);
    const sliceMs = (step.to.getTime() - step.from.getTime()) / slices;
    for (let slice = 0; slice < slices; slice += 1) {
      await this.client.query(INSERT_MESSAGE_SLICE, [
        slice,
        slices,
        new Date(step.from.getTime() + slice * sliceMs),
        `${sliceMs} milliseconds`,
      ]);
    }
    const messagesDone = Date.now();

    await this.updateActivity(step);
    const activityDone = Date.now();
    await this.client.query(
      `VACUUM (ANALYZE) messages, conversations, contacts, contact_identities, channel_accounts, tenants`,
    );
    const vacuumDone = Date.now();
    await this.client.query('CHECKPOINT');
    const done = Date.now();

    const seconds = (from: number, to: number) => round1((to - from) / 1000);
    return {
      size: step.size,
      addedMessages: step.messages,
      addedConversations,
      conversationsS: seconds(started, conversationsDone),
      messagesS: seconds(conversationsDone, messagesDone),
      activityS: seconds(messagesDone, activityDone),
      vacuumAnalyzeS: seconds(activityDone, vacuumDone),
      checkpointS: seconds(vacuumDone, done),
      totalS: seconds(started, done),
      ...(await this.tableFigures(step.size)),
    };
  }

  /**
   * Brings every tenant to its share of the step's conversation count. Each new conversation
   * gets a contact (with a wa_id identity, and a phone identity for half of them) and a weight
   * (see DRAW_NEW_CONVERSATIONS). The first step also names each tenant's long conversation and
   * the measured tenant's typical one.
   */
  private async addConversations(step: GrowthStep): Promise<number> {
    const { rows: existing } = await this.client.query<{ tenant_id: string; count: string }>(
      `SELECT tenant_id, count(*) AS count FROM bench_conversation_plan GROUP BY tenant_id`,
    );
    const have = (tenantId: string) =>
      Number(existing.find((row) => row.tenant_id === tenantId)?.count ?? 0);
    const wanted = this.tenants.map((tenant, index) =>
      index === 0
        ? step.conversations -
          this.tenants
            .slice(1)
            .reduce((sum, other) => sum + Math.round(step.conversations * other.conversations), 0)
        : Math.round(step.conversations * tenant.conversations),
    );
    const counts = this.tenants.map((tenant, index) =>
      Math.max(0, wanted[index] - have(tenant.id)),
    );
    const { rows: serial } = await this.client.query<{ count: string }>(
      `SELECT count(*) AS count FROM contacts`,
    );

    await this.client.query(DRAW_NEW_CONVERSATIONS, [
      this.tenants.map((tenant) => tenant.id),
      counts,
      this.tenants.map((tenant) => tenant.main.id),
      this.tenants.map((tenant) => tenant.main.provider),
      this.tenants.map((tenant) => tenant.backup.id),
      this.tenants.map((tenant) => tenant.backup.provider),
      Number(serial[0].count),
      step.from,
      MAIN_ACCOUNT_SHARE,
      this.tenants.map((tenant) => tenant.longConversation),
      this.tenants.map((_, index) => index === 0),
    ]);
    // Placeholders until the step's messages exist: updateActivity sets the real values.
    await this.client.query(INSERT_NEW_CONTACTS, [step.to]);
    await this.client.query(INSERT_NEW_IDENTITIES, [step.from]);
    await this.client.query(INSERT_NEW_CONVERSATIONS, [step.from, step.to]);
    await this.client.query(PLAN_NEW_CONVERSATIONS, [step.index]);
    await this.client.query(`DROP TABLE bench_fresh`);
    return counts.reduce((sum, count) => sum + count, 0);
  }

  /**
   * How many of the step's messages each conversation gets: long conversations their fixed
   * share, the typical one a fixed number, every new conversation its first message, and the
   * rest in proportion to weight (largest remainder, so the step adds exactly its count).
   */
  private async allocateMessages(step: GrowthStep): Promise<void> {
    await this.client.query(`TRUNCATE bench_step_allocation`);
    await this.client.query(ALLOCATE_STEP_MESSAGES, [
      step.messages,
      step.index,
      TYPICAL_CONVERSATION.firstStep,
      TYPICAL_CONVERSATION.laterSteps,
    ]);
    const { rows } = await this.client.query<{ total: string; smallest: number }>(
      `SELECT sum(n) AS total, min(n) AS smallest FROM bench_step_allocation`,
    );
    if (Number(rows[0].total) !== step.messages || rows[0].smallest < 0) {
      throw new Error(
        `allocation of ${step.messages} messages failed (got ${rows[0].total}, smallest ${rows[0].smallest}): ` +
          'the step is too small for the conversations it adds',
      );
    }
  }

  /**
   * What the inbound pipeline keeps current as messages arrive: each conversation's activity,
   * and when it and its contact first appeared.
   */
  private async updateActivity(step: GrowthStep): Promise<void> {
    await this.client.query(UPDATE_CONVERSATION_ACTIVITY, [step.from]);
    await this.client.query(UPDATE_CONTACT_FIRST_SEEN);
  }

  private async tableFigures(size: number): Promise<Pick<StepLoad, 'rows' | 'bytes'>> {
    const { rows } = await this.client.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM messages) AS messages,
              (SELECT count(*) FROM conversations) AS conversations,
              (SELECT count(*) FROM contacts) AS contacts,
              (SELECT count(*) FROM contact_identities) AS contact_identities,
              pg_table_size('messages') AS messages_bytes,
              pg_indexes_size('messages') AS messages_index_bytes`,
    );
    const figures = rows[0];
    if (Number(figures.messages) !== size) {
      throw new Error(`expected ${size} stored messages, found ${figures.messages}`);
    }
    return {
      rows: {
        messages: Number(figures.messages),
        conversations: Number(figures.conversations),
        contacts: Number(figures.contacts),
        contactIdentities: Number(figures.contact_identities),
      },
      bytes: {
        messages: Number(figures.messages_bytes),
        messagesIndexes: Number(figures.messages_index_bytes),
      },
    };
  }
}
