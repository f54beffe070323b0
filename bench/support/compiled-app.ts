import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { dropDatabase } from '@core/database/prepare-database';
import { ROOT } from '@test/support/server-process';

/** How to start Omnihub: an entry for startServer, and the variables it needs. */
export interface OmnihubEntry {
  entry: string;
  env: Record<string, string>;
}

/**
 * The V8 flags each role runs with in production (docker/k8s/*-deployment.yaml, and
 * docker-compose): a benchmark passes its server's, or it would measure a process production
 * never runs. `all` (one process doing both, as in development) takes the api's.
 */
export const API_NODE_OPTIONS = '--max-old-space-size=160 --max-semi-space-size=32';
export const WORKER_NODE_OPTIONS = '--max-old-space-size=160';

export function productionNodeOptions(role: string | undefined): string {
  return role === 'worker' ? WORKER_NODE_OPTIONS : API_NODE_OPTIONS;
}

/** Inside the repository, so the compiled files find node_modules by walking up. */
const BUILD_DIR = 'node_modules/.cache/omnihub-bench-build';

let compiled: OmnihubEntry | undefined;

/**
 * A second compiled Omnihub named by `variable` (a copy of an earlier bench build, relative to
 * the repository root and inside it, e.g. node_modules/.cache/omnihub-before), run beside this
 * checkout's so a change is measured against its predecessor in the same rounds.
 */
export function otherBuildFromEnv(variable: string): OmnihubEntry | undefined {
  const dir = process.env[variable];
  if (!dir) return undefined;
  return { entry: join(dir, 'src/main.js'), env: { TS_NODE_BASEURL: join(ROOT, dir) } };
}

/**
 * Makes the database at `env.DATABASE_URL` again with `build`'s own migrations (its compiled
 * prepare-database CLI), for a build whose schema differs from this checkout's: a copy of this
 * checkout's migrated database would run it on a schema it was not written for. `env` holds
 * what its configuration requires (a server's environment).
 */
export async function migrateWith(build: OmnihubEntry, env: Record<string, string>): Promise<void> {
  await dropDatabase(env.DATABASE_URL);
  const cli = join(ROOT, dirname(build.entry), 'cli/prepare-database.js');
  const run = spawnSync(process.execPath, ['-r', require.resolve('tsconfig-paths/register'), cli], {
    // An empty directory, so no .env is picked up; only the variables given.
    cwd: mkdtempSync(join(tmpdir(), 'omnihub-migrate-')),
    env: {
      PATH: process.env.PATH ?? '',
      TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      ...build.env,
      ...env,
    },
    encoding: 'utf8',
  });
  if (run.status !== 0)
    throw new Error(`migrating with ${build.entry} failed:\n${run.stdout}${run.stderr}`);
}

/**
 * The Omnihub the benchmarks run. By default the compiled build, as production runs it
 * (`node dist/src/main.js`): under ts-node the TypeScript compiler stays resident and adds
 * about 110 MB of RSS, which the memory benchmark would otherwise report as Omnihub's.
 * Compiled once per bench process with tsconfig.build.json into its own directory (dist/ is
 * left alone); path aliases resolve at run time through tsconfig-paths. BENCH_APP=ts runs
 * src/main.ts through ts-node instead.
 */
export function omnihubEntry(): OmnihubEntry {
  if (process.env.BENCH_APP === 'ts') return { entry: 'src/main.ts', env: {} };
  if (compiled) return compiled;
  const outDir = join(ROOT, BUILD_DIR);
  rmSync(outDir, { recursive: true, force: true });
  console.log('compiling Omnihub (tsconfig.build.json) for the benchmark...');
  const tsc = spawnSync(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      outDir,
      '--incremental',
      'false',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const entry = join(BUILD_DIR, 'src/main.js');
  if (!existsSync(join(ROOT, entry))) {
    throw new Error(`compiling Omnihub failed:\n${tsc.stdout}${tsc.stderr}`);
  }
  // tsc emits despite type errors; a half-edited checkout still runs, but say so.
  if (tsc.status !== 0) console.warn(`tsc reported errors (the build ran anyway):\n${tsc.stdout}`);
  compiled = { entry, env: { TS_NODE_BASEURL: outDir } };
  return compiled;
}
