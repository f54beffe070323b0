import { BullModule, InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Module } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { AppModule } from '@app/app.module';
import { WORKER_DEFAULTS } from '@core/queue/queue-defaults';
import { WorkerRunner } from '@core/queue/worker-runner';
import { testConfig } from '@test/support/test-app';

const QUEUE = 'lifecycle-test';

/** Jobs wait until the test releases them, so the test decides when work finishes. */
const gates = new Map<string, () => void>();
const started: string[] = [];
const finished: string[] = [];

@Processor(QUEUE, WORKER_DEFAULTS)
class GatedProcessor extends WorkerHost {
  async process(job: Job<{ name: string }>): Promise<string> {
    started.push(job.data.name);
    await new Promise<void>((release) => gates.set(job.data.name, release));
    finished.push(job.data.name);
    return job.data.name;
  }
}

@Injectable()
class Producer {
  constructor(@InjectQueue(QUEUE) readonly queue: Queue) {}
}

@Module({
  imports: [BullModule.registerQueue({ name: QUEUE })],
  providers: [GatedProcessor, Producer],
})
class LifecycleTestModule {}

async function start(overrides: Record<string, string>): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forConfig(testConfig(overrides)), LifecycleTestModule],
  }).compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter());
  await app.init();
  return app;
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Workers by role and graceful shutdown', () => {
  const connection = {
    connection: { url: process.env.REDIS_URL },
    prefix: process.env.QUEUE_PREFIX,
  };
  let observer: Queue;

  beforeAll(async () => {
    observer = new Queue(QUEUE, connection);
    await observer.waitUntilReady();
  });

  afterAll(async () => {
    await observer.close();
  });

  it('runs no worker in the api role', async () => {
    const app = await start({ APP_ROLE: 'api' });
    try {
      expect(app.get(WorkerRunner).running).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('finishes the active job before a worker-role app finishes closing', async () => {
    const app = await start({ APP_ROLE: 'worker', SHUTDOWN_TIMEOUT_MS: '20000' });
    expect(app.get(WorkerRunner).running).toContain(QUEUE);
    const job = await app.get(Producer).queue.add('gated', { name: 'graceful' });
    await until(() => started.includes('graceful'));

    const closing = app.close();
    setTimeout(() => gates.get('graceful')?.(), 300);
    await closing;

    expect(finished).toContain('graceful');
    expect(await observer.getJobState(job.id!)).toBe('completed');
  });

  it('releases a job still running at the deadline so another worker completes it', async () => {
    const first = await start({ APP_ROLE: 'worker', SHUTDOWN_TIMEOUT_MS: '500' });
    const job = await first.get(Producer).queue.add('gated', { name: 'abandoned' });
    await until(() => started.includes('abandoned'));
    await first.close(); // the job is never released on this worker
    expect(finished).not.toContain('abandoned');

    const second = await start({ APP_ROLE: 'worker', SHUTDOWN_TIMEOUT_MS: '5000' });
    try {
      // The first worker's lock lapses (8 s at most) and the stall check hands the job over.
      await until(() => started.filter((name) => name === 'abandoned').length === 2, 25_000);
      gates.get('abandoned')?.();
      await until(() => finished.includes('abandoned'));
      let state = '';
      await until(() => {
        void observer.getJobState(job.id!).then((current) => (state = current));
        return state === 'completed';
      });
      expect(await observer.getJobState(job.id!)).toBe('completed');
    } finally {
      await second.close();
    }
  }, 45_000);
});
