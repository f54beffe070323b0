// The baseline the intake benchmark compares Omnihub against: the same durable work a webhook
// needs, written by hand on bare Fastify — verify the signature over the raw body, store the
// delivery in `inbound_events`, enqueue one `inbound` job — with no framework layers around it.
// Started by bench/run.ts as a child process; configured by environment variables.
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
const pool = new Pool({
  connectionString: env('DATABASE_URL'),
  max: Number(env('DATABASE_POOL_SIZE')),
});
const queue = new Queue('inbound', {
  connection: { url: env('REDIS_URL') },
  prefix: env('QUEUE_PREFIX'),
  defaultJobOptions: DEFAULT_JOB_OPTIONS,
});

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
  const id = v7();
  const externalId = createHash('sha256').update(rawBody).digest('hex');
  const inserted = await pool.query(
    `INSERT INTO inbound_events (id, source, external_id, payload) VALUES ($1, 'meta', $2, $3::jsonb)
     ON CONFLICT (source, external_id) DO NOTHING`,
    [id, externalId, text],
  );
  if (inserted.rowCount) await queue.add('meta', { inboxId: id }, { jobId: id });
  return { received: true };
});

app.get('/health/ready', async () => {
  await pool.query('SELECT 1');
  await queue.getWaitingCount();
  return { status: 'ok' };
});

async function shutdown(): Promise<void> {
  await app.close();
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
