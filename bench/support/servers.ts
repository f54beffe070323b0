import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

export interface RunningServer {
  name: string;
  url: string;
  /** The child's process id, e.g. to read its memory from /proc/<pid>/status. */
  pid: number;
  stop(): Promise<void>;
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
 * Runs a TypeScript entry point as its own process, the way test/integration/boot.spec.ts
 * does: transpile-only through SWC, in an empty directory so no .env is picked up.
 */
export async function startServer(
  name: string,
  entry: string,
  env: Record<string, string>,
): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...profilingFlags(name),
      '-r',
      require.resolve('ts-node/register'),
      '-r',
      require.resolve('tsconfig-paths/register'),
      join(ROOT, entry),
    ],
    {
      cwd: mkdtempSync(join(tmpdir(), 'omnihub-bench-')),
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
  return { name, url, pid: child.pid!, stop: () => stopChild(child) };
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

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
  });
}
