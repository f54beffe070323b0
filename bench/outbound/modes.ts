import { type RunningServer, startServer } from '@test/support/server-process';
import {
  migrateWith,
  omnihubEntry,
  type OmnihubEntry,
  otherBuildFromEnv,
} from '../support/compiled-app';
import {
  BENCH_DATABASE_POOL_SIZE,
  type BenchEnvironment,
  type BenchStorage,
} from '../support/environment';
import type { BenchGraph } from './bench-graph';
import { type BenchAccount, hubEnv, type HubSecrets, startHub } from './hub-fixture';

/**
 * How the work is laid out over processes: Omnihub with the worker in the api process, Omnihub
 * with one api and one worker process, or the hand-written baseline (baseline-server.ts).
 * `all-other` and `split-other` run BENCH_OUTBOUND_OTHER_BUILD's Omnihub the same ways, to
 * measure a change against its predecessor in the same rounds.
 */
export const MODES = ['all', 'split', 'baseline', 'all-other', 'split-other'] as const;
export type Mode = (typeof MODES)[number];

export interface RunningMode {
  mode: Mode;
  /** Every process of the mode, the one taking sends last. */
  processes: RunningServer[];
  api: RunningServer;
  /** Its database (a copy of its own for each Omnihub mode) and Redis prefix. */
  storage: BenchStorage;
}

export interface ModeContext {
  environment: BenchEnvironment;
  graph: BenchGraph;
  secrets: HubSecrets;
  /** WHATSAPP_CLOUD_MESSAGES_PER_SECOND for Omnihub. */
  accountRate: number;
}

/**
 * Starts an Omnihub mode on queues of its own (QUEUE_PREFIX + mode) and its own copy of the
 * database (`environment.copy(mode)`), so modes can run side by side without one's worker
 * taking another's jobs or delivering another's messaging events (whose cost would then be
 * counted for the wrong mode); workers first, so the api is used only once every process is
 * ready. An `-other` mode's copy is made again by the other build's migrations.
 */
export async function startOmnihubMode(
  mode: Exclude<Mode, 'baseline'>,
  context: ModeContext,
): Promise<RunningMode> {
  const roles = mode.startsWith('all') ? ['all'] : ['worker', 'api'];
  const other = mode.endsWith('-other');
  const build = other ? otherBuild() : omnihubEntry();
  const storage = context.environment.copy(mode);
  const env = (role: string) =>
    hubEnv(storage, context.graph, context.secrets, {
      APP_ROLE: role,
      QUEUE_PREFIX: `${context.environment.queuePrefix}${mode}`,
      WHATSAPP_CLOUD_MESSAGES_PER_SECOND: String(context.accountRate),
    });
  // The other build on the schema its own migrations make, so a change of schema is measured too.
  if (other) await migrateWith(build, env(roles[0]));
  const processes: RunningServer[] = [];
  try {
    for (const role of roles) {
      processes.push(await startHub(`outbound-${role}`, env(role), build));
    }
  } catch (error) {
    for (const started of processes) await started.stop();
    throw error;
  }
  return { mode, processes, api: processes.at(-1)!, storage };
}

function otherBuild(): OmnihubEntry {
  const build = otherBuildFromEnv('BENCH_OUTBOUND_OTHER_BUILD');
  if (!build) throw new Error('the -other modes need BENCH_OUTBOUND_OTHER_BUILD=<dir>');
  return build;
}

/**
 * Starts the baseline, told each account's number and token (it has no credentials store), on
 * `storage`: the database where `accounts` were connected (it checks their API keys there).
 */
export async function startBaselineMode(
  accounts: readonly BenchAccount[],
  storage: BenchStorage,
  context: ModeContext,
): Promise<RunningMode> {
  const numbers = new Map(context.graph.accounts.map((a) => [a.phoneNumberId, a]));
  const routes = Object.fromEntries(
    accounts.map((account) => [
      account.id,
      {
        phoneNumberId: account.phoneNumberId,
        accessToken: numbers.get(account.phoneNumberId)!.accessToken,
      },
    ]),
  );
  const baseline = await startServer('outbound-baseline', 'bench/outbound/baseline-server.ts', {
    DATABASE_URL: storage.databaseUrl,
    DATABASE_POOL_SIZE: String(BENCH_DATABASE_POOL_SIZE),
    REDIS_URL: storage.redisUrl,
    QUEUE_PREFIX: `${storage.queuePrefix}baseline`,
    META_GRAPH_BASE_URL: context.graph.fake.baseUrl,
    META_GRAPH_API_VERSION: context.graph.fake.version,
    BASELINE_ACCOUNTS: JSON.stringify(routes),
  });
  return { mode: 'baseline', processes: [baseline], api: baseline, storage };
}
