import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { QueueInspector } from '@core/queue/queue-inspector';
import { QueueName } from '@core/queue/queue-names';
import { EVENTS_QUEUE } from './dead-letter';
import { DeadLettersService } from './dead-letters.service';

export const DEAD_LETTERS = 'dead_letters';
/**
 * The failed-send and event counts cost queries; scrapes (every pod, every 15 s) share them for
 * this long.
 */
const STORED_COUNT_TTL_MS = 30_000;

/**
 * `dead_letters{queue,kind}`: failed jobs per queue (`kind="job"`), failed sends not yet
 * discarded (`queue="outbound",kind="send"`) and event deliveries a subscriber gave up on
 * (`queue="events",kind="event"`). Bounded labels: fixed queues, three kinds.
 */
@Injectable()
export class DeadLettersMetric implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DeadLettersMetric.name);
  private gauge?: Gauge<'queue' | 'kind'>;
  private stored?: { sends: number; events: number; at: number };

  constructor(
    private readonly queues: QueueInspector,
    private readonly deadLetters: DeadLettersService,
  ) {}

  onModuleInit(): void {
    register.removeSingleMetric(DEAD_LETTERS);
    const queues = this.queues;
    const logger = this.logger;
    const stored = () => this.storedCounts();
    this.gauge = new Gauge({
      name: DEAD_LETTERS,
      help:
        'Dead letters: failed jobs per queue (kind=job), failed sends (kind=send), event ' +
        'deliveries given up (queue=events, kind=event)',
      labelNames: ['queue', 'kind'],
      async collect() {
        try {
          const counts = await queues.allCounts();
          for (const [queue, { failed }] of Object.entries(counts)) {
            this.set({ queue, kind: 'job' }, failed);
          }
          const { sends, events } = await stored();
          this.set({ queue: QueueName.Outbound, kind: 'send' }, sends);
          this.set({ queue: EVENTS_QUEUE, kind: 'event' }, events);
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

  private async storedCounts(): Promise<{ sends: number; events: number }> {
    const now = Date.now();
    if (!this.stored || now - this.stored.at > STORED_COUNT_TTL_MS) {
      const [sends, events] = await Promise.all([
        this.deadLetters.failedSendCount(),
        this.deadLetters.eventCount(),
      ]);
      this.stored = { sends, events, at: now };
    }
    return this.stored;
  }
}
