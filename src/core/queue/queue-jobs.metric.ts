import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { JOB_STATES, QueueInspector } from './queue-inspector';

export const QUEUE_JOBS = 'queue_jobs';

/**
 * `queue_jobs{queue,state}`, read from Redis at scrape time (docker/prometheus/rules.yml and
 * the Grafana dashboard use it). Every pod reports the same numbers, so rules take max().
 * Labels are bounded: the queues and BullMQ states are fixed lists.
 */
@Injectable()
export class QueueJobsMetric implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(QueueJobsMetric.name);
  private gauge?: Gauge<'queue' | 'state'>;

  constructor(private readonly queues: QueueInspector) {}

  onModuleInit(): void {
    // prom-client's registry is process-wide; an app created after another (tests) takes over.
    register.removeSingleMetric(QUEUE_JOBS);
    const queues = this.queues;
    const logger = this.logger;
    this.gauge = new Gauge({
      name: QUEUE_JOBS,
      help: 'Jobs per queue and state, read from Redis at scrape time',
      labelNames: ['queue', 'state'],
      async collect() {
        try {
          const all = await queues.allCounts();
          for (const [queue, counts] of Object.entries(all)) {
            for (const state of JOB_STATES) this.set({ queue, state }, counts[state]);
          }
        } catch (error) {
          // Stale numbers are dropped rather than shown as current.
          this.reset();
          logger.warn(`queue_jobs not collected: ${(error as Error).message}`);
        }
      },
    });
  }

  onModuleDestroy(): void {
    if (this.gauge && register.getSingleMetric(QUEUE_JOBS) === this.gauge) {
      register.removeSingleMetric(QUEUE_JOBS);
    }
  }
}
