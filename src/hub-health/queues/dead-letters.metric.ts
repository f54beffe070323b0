import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { QueueInspector } from '@core/queue/queue-inspector';
import { QueueName } from '@core/queue/queue-names';
import { DeadLettersService } from './dead-letters.service';

export const DEAD_LETTERS = 'dead_letters';
/** The failed-send count costs a query; scrapes (every pod, every 15 s) share one for this long. */
const SEND_COUNT_TTL_MS = 30_000;

/**
 * `dead_letters{queue,kind}`: failed jobs per queue (`kind="job"`) and failed sends not yet
 * discarded (`queue="outbound",kind="send"`). Bounded labels: fixed queues, two kinds.
 */
@Injectable()
export class DeadLettersMetric implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DeadLettersMetric.name);
  private gauge?: Gauge<'queue' | 'kind'>;
  private sendCount?: { value: number; at: number };

  constructor(
    private readonly queues: QueueInspector,
    private readonly deadLetters: DeadLettersService,
  ) {}

  onModuleInit(): void {
    register.removeSingleMetric(DEAD_LETTERS);
    const queues = this.queues;
    const logger = this.logger;
    const failedSends = () => this.failedSends();
    this.gauge = new Gauge({
      name: DEAD_LETTERS,
      help: 'Dead letters: failed jobs per queue (kind=job) and failed sends (kind=send)',
      labelNames: ['queue', 'kind'],
      async collect() {
        try {
          const counts = await queues.allCounts();
          for (const [queue, { failed }] of Object.entries(counts)) {
            this.set({ queue, kind: 'job' }, failed);
          }
          this.set({ queue: QueueName.Outbound, kind: 'send' }, await failedSends());
        } catch (error) {
          this.reset();
          logger.warn(`dead_letters not collected: ${(error as Error).message}`);
        }
      },
    });
  }

  onModuleDestroy(): void {
    if (this.gauge && register.getSingleMetric(DEAD_LETTERS) === this.gauge) {
      register.removeSingleMetric(DEAD_LETTERS);
    }
  }

  private async failedSends(): Promise<number> {
    const now = Date.now();
    if (!this.sendCount || now - this.sendCount.at > SEND_COUNT_TTL_MS) {
      this.sendCount = { value: await this.deadLetters.failedSendCount(), at: now };
    }
    return this.sendCount.value;
  }
}
