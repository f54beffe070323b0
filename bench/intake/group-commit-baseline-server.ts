// The second baseline of the intake benchmark (issue 18): the same durable work as
// baseline-server.ts, written by hand as a group commit. Requests arriving within one flush
// window (BASELINE_FLUSH_MS, 2 ms by default) are stored with one multi-row INSERT and
// enqueued with one addBulk; each request is answered once its batch has done both, so a 2xx
// still means the row is committed. Started by the intake benchmark as a child process.
import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Pool } from 'pg';
import { v7 } from 'uuid';
import { DEFAULT_JOB_OPTIONS } from '@core/queue/queue-defaults';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const appSecret = env('META_APP_SECRET');
const FLUSH_MS = Number(process.env.BASELINE_FLUSH_MS ?? 2);
const MAX_BATCH = 500;
const pool = new Pool({
  connectionString: env('DATABASE_URL'),
  max: Number(env('DATABASE_POOL_SIZE')),
});
const queue = new Queue('inbound', {
  connection: { url: env('REDIS_URL') },
  prefix: env('QUEUE_PREFIX'),
  defaultJobOptions: DEFAULT_JOB_OPTIONS,
});

interface Pending {
  id: string;
  externalId: string;
  text: string;
  done: (error?: Error) => void;
}

let batch: Pending[] = [];
let timer: NodeJS.Timeout | undefined;

function submit(id: string, externalId: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    batch.push({ id, externalId, text, done: (error) => (error ? reject(error) : resolve()) });
    if (batch.length >= MAX_BATCH) flush();
    else timer ??= setTimeout(flush, FLUSH_MS);
  });
}

function flush(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  const items = batch;
  batch = [];
  if (items.length) void commit(items);
}

async function commit(items: Pending[]): Promise<void> {
  try {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO inbound_events (id, source, external_id, payload)
       SELECT id, 'meta', external_id, payload::jsonb
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS b (id, external_id, payload)
       ON CONFLICT (source, external_id) DO NOTHING RETURNING id`,
      [items.map((i) => i.id), items.map((i) => i.externalId), items.map((i) => i.text)],
    );
    if (rows.length) {
      await queue.addBulk(
        rows.map(({ id }) => ({ name: 'meta', data: { inboxId: id }, opts: { jobId: id } })),
      );
    }
    for (const item of items) item.done();
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    for (const item of items) item.done(failure);
  }
}

function signatureValid(header: unknown, rawBody: Buffer): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice(7), 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const app = Fastify({ bodyLimit: 1_048_576 });
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
  done(null, body),
);

app.post('/webhooks/meta', async (request, reply) => {
  const rawBody = request.body as Buffer;
  if (!signatureValid(request.headers['x-hub-signature-256'], rawBody)) {
    return reply.code(401).send({ error: 'invalid signature' });
  }
  let text: string;
  try {
    text = rawBody.toString('utf8');
    JSON.parse(text);
  } catch {
    return reply.code(400).send({ error: 'invalid JSON' });
  }
  const externalId = createHash('sha256').update(rawBody).digest('hex');
  await submit(v7(), externalId, text);
  return { received: true };
});

app.get('/health/ready', async () => {
  await pool.query('SELECT 1');
  await queue.getWaitingCount();
  return { status: 'ok' };
});

async function shutdown(): Promise<void> {
  await app.close();
  flush();
  await queue.close();
  await pool.end();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());

app.listen({ host: '127.0.0.1', port: Number(env('PORT')) }).catch((error: unknown) => {
  process.stderr.write(`Baseline failed to start: ${String(error)}\n`);
  process.exit(1);
});
