// Issue 15: what sealing message text at rest costs the history reads. The same deployment and
// data are read with the measured tenant's messages stored plain and stored sealed (sealed by
// the app's own MessageContentCodec with the server's key, restored to plain after), in
// alternating rounds so both forms meet the same machine load. Also times the codec alone.
import { performance } from 'node:perf_hooks';
import { SecretBox } from '@core/crypto/secret-box';
import { MessageContentCodec } from '@app/messaging/messages/encryption/message-content.codec';
import type { MessageEncryptionSettings } from '@app/messaging/messages/encryption/message-encryption.settings';
import { median, round2 } from '../support/report';
import type { Deployment } from './deployment';
import { type LoadConfig, measure, type RunRecord } from './load';
import type { MeasuredRoute } from './routes';

export type ContentForm = 'plain' | 'sealed';

export interface EncryptionRun extends RunRecord {
  form: ContentForm;
}

export interface EncryptionComparison {
  sealedMessages: number;
  /** Per route: sealed over plain (latency above 1 and req/s below 1 are worse). */
  ratios: { route: string; p50: number; p99: number; saturationReqPerSec: number }[];
  medians: Record<string, Record<ContentForm, { p50Ms: number; p99Ms: number; reqPerSec: number }>>;
  /** The codec alone, in this process: microseconds per message. */
  codec: { sealUs: number; openUs: number; messages: number };
  runs: EncryptionRun[];
}

export async function compareEncryption(
  deployment: Deployment,
  routes: readonly MeasuredRoute[],
  rounds: number,
  config: LoadConfig,
): Promise<EncryptionComparison> {
  const codec = new MessageContentCodec(
    SecretBox.fromKeyRing(deployment.secretsKeys),
    // Every message of the comparison is sealed: the tenant's switch is not what is measured.
    { enabled: () => Promise.resolve(true) } as unknown as MessageEncryptionSettings,
  );
  const db = deployment.environment.db;
  const { rows: plain } = await db.query<{ id: string; content: Record<string, unknown> }>(
    `SELECT id, content FROM messages WHERE tenant_id = $1`,
    [deployment.tenantId],
  );
  // Timed on a second pass: the first one pays for JIT compilation and the key schedule.
  let sealed: { id: string; content: Record<string, unknown> }[] = [];
  let sealUs = 0;
  let openUs = 0;
  for (let pass = 0; pass < 2; pass += 1) {
    sealed = [];
    const sealStart = performance.now();
    for (const row of plain) {
      sealed.push({
        id: row.id,
        content: await codec.forStorage(deployment.tenantId, row.id, row.content),
      });
    }
    sealUs = ((performance.now() - sealStart) * 1000) / plain.length;
    const openStart = performance.now();
    for (const row of sealed) codec.open(row.id, row.content);
    openUs = ((performance.now() - openStart) * 1000) / sealed.length;
  }

  const store = async (rows: readonly { id: string; content: unknown }[]) => {
    await db.query(
      `UPDATE messages m SET content = v.content
         FROM unnest($1::uuid[], $2::jsonb[]) AS v(id, content) WHERE m.id = v.id`,
      [rows.map((row) => row.id), rows.map((row) => JSON.stringify(row.content))],
    );
    await db.query(`VACUUM ANALYZE messages`);
  };

  const runs: EncryptionRun[] = [];
  try {
    for (let round = 1; round <= rounds; round += 1) {
      const forms: ContentForm[] = round % 2 ? ['plain', 'sealed'] : ['sealed', 'plain'];
      for (const form of forms) {
        await store(form === 'sealed' ? sealed : plain);
        for (const route of routes) {
          for (const mode of ['latency', 'saturation'] as const) {
            const run = await measure(deployment.server, deployment.headers, route, mode, config, {
              step: 0,
              database: 'reference',
              size: plain.length,
              round,
            });
            runs.push({ ...run, form });
            console.log(
              `encryption run ${round}/${rounds} ${route.name} ${mode} ${form}: ` +
                `${run.reqPerSec} req/s, p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms, ` +
                `failed ${run.non2xx + run.errors}`,
            );
          }
        }
      }
    }
  } finally {
    await store(plain);
  }

  const medians: EncryptionComparison['medians'] = {};
  for (const route of routes) {
    const of = (form: ContentForm, mode: 'latency' | 'saturation') =>
      runs.filter((run) => run.route === route.name && run.form === form && run.mode === mode);
    const figures = (form: ContentForm) => ({
      p50Ms: round2(median(of(form, 'latency').map((run) => run.p50Ms))),
      p99Ms: round2(median(of(form, 'latency').map((run) => run.p99Ms))),
      reqPerSec: round2(median(of(form, 'saturation').map((run) => run.reqPerSec))),
    });
    medians[route.name] = { plain: figures('plain'), sealed: figures('sealed') };
  }
  const ratios = routes.map(({ name }) => ({
    route: name,
    p50: round2(medians[name].sealed.p50Ms / medians[name].plain.p50Ms),
    p99: round2(medians[name].sealed.p99Ms / medians[name].plain.p99Ms),
    saturationReqPerSec: round2(medians[name].sealed.reqPerSec / medians[name].plain.reqPerSec),
  }));
  return {
    sealedMessages: plain.length,
    ratios,
    medians,
    codec: { sealUs: round2(sealUs), openUs: round2(openUs), messages: plain.length },
    runs,
  };
}

export function printEncryptionTable(comparison: EncryptionComparison): void {
  console.log(
    `\nMessage text sealed at rest (${comparison.sealedMessages} messages of the measured ` +
      `tenant; codec: seal ${comparison.codec.sealUs} µs, open ${comparison.codec.openUs} µs ` +
      `per message)`,
  );
  console.table(
    comparison.ratios.map((ratio) => {
      const figures = comparison.medians[ratio.route];
      return {
        route: ratio.route,
        'plain p50/p99 ms': `${figures.plain.p50Ms}/${figures.plain.p99Ms}`,
        'sealed p50/p99 ms': `${figures.sealed.p50Ms}/${figures.sealed.p99Ms}`,
        'p50 ×': ratio.p50,
        'p99 ×': ratio.p99,
        'plain req/s': figures.plain.reqPerSec,
        'sealed req/s': figures.sealed.reqPerSec,
        'req/s ×': ratio.saturationReqPerSec,
      };
    }),
  );
}
