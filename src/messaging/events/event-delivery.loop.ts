import { AppConfig } from '@config/app-config';
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { EventDelivery, Poll } from './event-delivery';
import { EventSubscribersRegistry } from './event-subscribers.registry';

/** After a failed poll (PostgreSQL away), waits grow to this. */
const MAX_ERROR_PAUSE_MS = 10_000;
/**
 * After a poll that leased fewer streams than it could (no backlog), the next one waits this
 * long (at most the poll interval) so that it carries what was recorded meanwhile: fewer,
 * fuller polls, for events reaching their subscribers up to this much later.
 */
export const GATHER_MS = 100;

/**
 * Polls for due streams in roles that run workers, when any subscriber exists. Every pod may
 * run it: streams are leased with SKIP LOCKED, so each is delivered by one pod at a time, and
 * a pod that dies leaves its streams to the others when the lease lapses. No Redis is
 * involved: a Redis restart loses nothing, and a PostgreSQL outage only pauses the polls.
 * A poll that leased a full batch (a backlog) polls again at once, its acknowledgement leasing
 * the next batch in the same statement; one that leased less is acknowledged alone and the
 * next poll waits GATHER_MS; an idle one waits the poll interval.
 */
@Injectable()
export class EventDeliveryLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventDeliveryLoop.name);
  private running = false;
  private wake?: () => void;
  private loop?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly delivery: EventDelivery,
    private readonly registry: EventSubscribersRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runsWorkers || !this.registry.names().length) return;
    this.running = true;
    this.loop = this.run();
    this.logger.log(`Delivering messaging events to ${this.registry.names().join(', ')}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    // An unfinished poll is not acknowledged: its streams' leases lapse and another pod
    // delivers them again.
    await Promise.race([
      this.loop,
      new Promise((resolve) => setTimeout(resolve, this.config.shutdownTimeoutMs).unref()),
    ]);
  }

  private async run(): Promise<void> {
    let failures = 0;
    // Leased by the previous poll's acknowledgement, when that poll went straight on; if
    // shutdown began meanwhile, it is still delivered (and acknowledged alone) rather than
    // left to its lease's lapse.
    let leased: Poll | undefined;
    while (this.running || leased?.streams.length) {
      let pauseMs = 0;
      try {
        const poll = leased ?? (await this.delivery.lease());
        leased = undefined;
        const { pollIntervalMs } = this.config.messagingEvents;
        if (!poll.streams.length) pauseMs = pollIntervalMs;
        else if (poll.streams.length >= poll.request.options.limit) {
          leased = await this.delivery.deliver(poll, () => this.running);
        } else {
          await this.delivery.deliver(poll, () => false);
          pauseMs = Math.min(GATHER_MS, pollIntervalMs);
        }
        failures = 0;
      } catch (error) {
        // A poll whose acknowledgement failed keeps its lease until it lapses; its streams are
        // delivered again then, by whoever polls.
        leased = undefined;
        failures += 1;
        pauseMs = Math.min(
          this.config.messagingEvents.pollIntervalMs * 2 ** failures,
          MAX_ERROR_PAUSE_MS,
        );
        this.logger.warn(
          { reason: (error as Error).message, retryInMs: pauseMs },
          'Messaging event delivery poll failed',
        );
      }
      if (pauseMs && this.running) await this.pause(pauseMs);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
