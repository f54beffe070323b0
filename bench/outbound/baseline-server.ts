// The baseline the outbound benchmark compares Omnihub against: the same durable work a send
// needs, written by hand on bare Fastify, pg, BullMQ and undici, with the worker in the same
// process. Accept: look the API key up, store the message, enqueue one job, answer 202. Worker:
// read the message, POST it to the Graph API, mark it sent. Nothing else: no contacts,
// conversations, window rule, pacing, breaker or credentials store (each account's number and
// token come from BASELINE_ACCOUNTS). Started by the bench as a child process.
import { Queue, Worker } from 'bullmq';
import Fastify from 'fastify';
import { Pool } from 'pg';
import { Pool as HttpPool } from 'undici';
import { v7 } from 'uuid';
import { DEFAULT_JOB_OPTIONS, WORKER_DEFAULTS } from '@core/queue/queue-defaults';
import { hashApiKey } from '@core/auth/api-key-format';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

/** channel account id → the Cloud API number and token to send it with. */
const accounts = new Map<string, { phoneNumberId: string; accessToken: string }>(
  Object.entries(JSON.parse(env('BASELINE_ACCOUNTS')) as Record<string, never>),
);
const graphVersion = env('META_GRAPH_API_VERSION');
const graph = new HttpPool(env('META_GRAPH_BASE_URL'), { connections: 16 });
const pool = new Pool({
  connectionString: env('DATABASE_URL'),
  max: Number(env('DATABASE_POOL_SIZE')),
});
const connection = { url: env('REDIS_URL') };
const prefix = env('QUEUE_PREFIX');
const queue = new Queue('baseline-outbound', {
  connection,
  prefix,
  defaultJobOptions: DEFAULT_JOB_OPTIONS,
});

interface SendBody {
  channelAccountId?: string;
  to?: string;
  text?: { body?: string };
}

const app = Fastify({ bodyLimit: 1_048_576 });

app.post('/api/v2/messages', async (request, reply) => {
  const key = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
  const { rows: keys } = await pool.query<{ tenant_id: string }>(
    `SELECT tenant_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
    [hashApiKey(key)],
  );
  if (!keys.length) return reply.code(401).send({ error: 'unknown key' });
  const body = request.body as SendBody;
  if (!body.channelAccountId || !accounts.has(body.channelAccountId) || !body.to) {
    return reply.code(400).send({ error: 'invalid message' });
  }
  const id = v7();
  await pool.query(
    `INSERT INTO baseline_messages (id, tenant_id, channel_account_id, recipient, body)
     VALUES ($1, $2, $3, $4, $5)`,
    [id, keys[0].tenant_id, body.channelAccountId, body.to, body.text?.body ?? ''],
  );
  await queue.add('send', { id }, { jobId: id });
  return reply.code(202).send({ id, status: 'queued' });
});

app.get('/health/ready', async () => {
  await pool.query('SELECT 1');
  await queue.getWaitingCount();
  return { status: 'ok' };
});

const worker = new Worker<{ id: string }>(
  'baseline-outbound',
  async (job) => {
    const { rows } = await pool.query<{
      channel_account_id: string;
      recipient: string;
      body: string;
    }>(`SELECT channel_account_id, recipient, body FROM baseline_messages WHERE id = $1`, [
      job.data.id,
    ]);
    const message = rows[0];
    const account = accounts.get(message.channel_account_id)!;
    const response = await graph.request({
      method: 'POST',
      path: `/${graphVersion}/${account.phoneNumberId}/messages`,
      headers: {
        authorization: `Bearer ${account.accessToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: message.recipient,
        type: 'text',
        text: { body: message.body },
      }),
    });
    const answer = (await response.body.json()) as { messages?: { id: string }[] };
    if (response.statusCode !== 200) throw new Error(`Graph answered ${response.statusCode}`);
    await pool.query(
      `UPDATE baseline_messages SET status = 'sent', provider_message_id = $2, sent_at = now()
       WHERE id = $1`,
      [job.data.id, answer.messages?.[0]?.id],
    );
  },
  { ...WORKER_DEFAULTS, autorun: false, connection, prefix },
);

async function start(): Promise<void> {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS baseline_messages (
       id uuid PRIMARY KEY,
       tenant_id uuid NOT NULL,
       channel_account_id uuid NOT NULL,
       recipient text NOT NULL,
       body text NOT NULL,
       status text NOT NULL DEFAULT 'queued',
       provider_message_id text,
       created_at timestamptz NOT NULL DEFAULT now(),
       sent_at timestamptz
     )`,
  );
  void worker.run();
  await app.listen({ host: '127.0.0.1', port: Number(env('PORT')) });
}

async function shutdown(): Promise<void> {
  await app.close();
  await worker.close();
  await queue.close();
  await graph.close();
  await pool.end();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());

start().catch((error: unknown) => {
  process.stderr.write(`Baseline failed to start: ${String(error)}\n`);
  process.exit(1);
});
