import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root (this file is test/support/server-process.ts). */
export const ROOT = resolve(__dirname, '../..');

export interface RunningServer {
  name: string;
  url: string;
  pid: number;
  /** SIGTERM, then SIGKILL if it has not exited within 15 s: a graceful stop. */
  stop(): Promise<void>;
  /** Sends `signal` (e.g. SIGKILL for a crash) and resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/**
 * Runs a TypeScript entry point (src/main.ts, a bench baseline) as its own process, the way
 * test/integration/boot.spec.ts does: transpile-only through SWC, in an empty directory so no
 * .env is picked up, and only the variables given in `env`. A compiled `.js` entry (relative
 * to the repository root, path aliases resolved by tsconfig-paths from TS_NODE_BASEURL) runs
 * on plain node, as in production. Resolves once `/health/ready` answers 2xx (every role
 * listens, workers too).
 */
export async function startServer(
  name: string,
  entry: string,
  env: Record<string, string>,
): Promise<RunningServer> {
  const port = await freePort();
  // A compiled entry (.js) runs without ts-node, whose TypeScript compiler would stay resident.
  const transpile = entry.endsWith('.ts') ? ['-r', require.resolve('ts-node/register')] : [];
  const child = spawn(
    process.execPath,
    [
      ...profilingFlags(name),
      ...transpile,
      '-r',
      require.resolve('tsconfig-paths/register'),
      join(ROOT, entry),
    ],
    {
      cwd: mkdtempSync(join(tmpdir(), 'omnihub-server-')),
      env: {
        PATH: process.env.PATH ?? '',
        TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
        TS_NODE_TRANSPILE_ONLY: 'true',
        TS_NODE_SWC: 'true',
        ...env,
        PORT: String(port),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(name, url, child);
  return {
    name,
    url,
    pid: child.pid!,
    stop: () => stopChild(child),
    kill: (signal) => signalAndWait(child, signal),
  };
}

/**
 * BENCH_CPU_PROF_DIR=<dir> writes a V8 CPU profile per server (named after it) when it stops:
 * open it in Chrome DevTools, or summarise self time with `node bench/support/top-functions.js`.
 */
function profilingFlags(name: string): string[] {
  const directory = process.env.BENCH_CPU_PROF_DIR;
  if (!directory) return [];
  return [
    '--cpu-prof',
    `--cpu-prof-dir=${resolve(directory)}`,
    `--cpu-prof-name=${name}.cpuprofile`,
  ];
}

async function waitUntilReady(name: string, url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  await stopChild(child);
  throw new Error(`${name} was not ready at ${url}/health/ready within 90 s`);
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

function signalAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill(signal);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
  });
}
