import { AppConfig } from '@config/app-config';
import { WorkerHost } from '@nestjs/bullmq';
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Worker } from 'bullmq';
import type { Counter } from 'prom-client';
import { QUEUE_JOBS_PROCESSED_TOTAL } from './queue.metrics';

/**
 * Starts the BullMQ workers in roles that run them (`worker`, `all`) and stops them on
 * shutdown: first they stop taking new jobs and get `SHUTDOWN_TIMEOUT_MS` to finish the
 * active ones; what is still running then is abandoned, and its lock lapses so another
 * worker picks it up again (processors are idempotent).
 */
@Injectable()
export class WorkerRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerRunner.name);
  private workers: Worker[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly config: AppConfig,
    @InjectMetric(QUEUE_JOBS_PROCESSED_TOTAL)
    private readonly processed: Counter<'queue' | 'outcome'>,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runsWorkers) return;
    this.workers = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .map((host) => host.worker);
    for (const worker of this.workers) {
      worker.on('completed', () =>
        this.processed.inc({ queue: worker.name, outcome: 'completed' }),
      );
      worker.on('failed', () => this.processed.inc({ queue: worker.name, outcome: 'failed' }));
      worker
        .run()
        .catch((error: unknown) =>
          this.logger.error({ err: error, queue: worker.name }, 'Worker stopped with an error'),
        );
    }
    if (this.workers.length) {
      this.logger.log(`Workers running for queues: ${this.workers.map((w) => w.name).join(', ')}`);
    }
  }

  get running(): readonly string[] {
    return this.workers.filter((worker) => worker.isRunning()).map((worker) => worker.name);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.workers.length) return;
    const deadline = this.config.shutdownTimeoutMs;
    // pause() stops fetching and resolves once active jobs are done. close() is not used for
    // the graceful part because BullMQ memoizes it: a later forced close would wait too.
    const drained = Promise.all(this.workers.map((worker) => worker.pause()));
    const timedOut = await Promise.race([
      drained.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), deadline).unref()),
    ]);
    if (timedOut) {
      this.logger.warn(
        `Active jobs did not finish within ${deadline} ms; releasing them to other workers`,
      );
    }
    // Forced close stops renewing the locks of unfinished jobs, so they lapse and another
    // worker takes them over (processors are idempotent).
    await Promise.all(this.workers.map((worker) => worker.close(true)));
    this.workers = [];
  }
}
