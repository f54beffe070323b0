import { ChildProcess, spawn } from 'node:child_process';
import { AddressInfo, createConnection, createServer } from 'node:net';
import { eventually } from '@test/support/eventually';

export interface DedicatedRedis {
  readonly port: number;
  readonly url: string;
  /** SIGKILLs the server, as a crash would: it forgets every key (no persistence). */
  kill(): Promise<void>;
  /** Starts an empty server on the same port (unless it runs) and resolves once it answers PING. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A redis-server of the test's own, without persistence, so killing it stops nobody else's
 * Redis and it comes back empty: the hardest restart, where every queued job is gone and
 * only PostgreSQL remembers the work.
 */
export async function startDedicatedRedis(): Promise<DedicatedRedis> {
  const port = await freePort();
  let server: ChildProcess | undefined;

  const running = () =>
    server !== undefined && server.exitCode === null && server.signalCode === null;

  const start = async () => {
    if (running()) return;
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    server = child;
    // A test runner killed midway must not leave the server running.
    const reap = () => child.kill('SIGKILL');
    process.once('exit', reap);
    child.once('exit', () => process.off('exit', reap));
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      if (!(await answersPing(port))) throw new Error(`redis-server on ${port} not answering`);
    }, 10_000);
  };

  const kill = async () => {
    if (!running()) return;
    const child = server!;
    server = undefined;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };

  await start();
  return { port, url: `redis://127.0.0.1:${port}`, kill, start, close: kill };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
