import type { AppConfig } from '@config/app-config';
import type { EventDelivery, Poll } from './event-delivery';
import { EventDeliveryLoop, GATHER_MS } from './event-delivery.loop';
import type { LeasedStream } from './event-poll';
import type { EventSubscribersRegistry } from './event-subscribers.registry';

const LIMIT = 3;

const pollOf = (streams: number): Poll => ({
  request: {
    token: `poll-${streams}`,
    subscribers: ['steady'],
    options: { limit: LIMIT, leaseMs: 30_000, eventsPerStream: 100 },
  },
  startedAt: 0,
  streams: Array.from({ length: streams }, (_, i) => ({ streamId: `s${i}` }) as LeasedStream),
});

/** Hands out the given polls in turn (then empty ones) and records how each was delivered. */
class ScriptedDelivery {
  leases = 0;
  readonly delivered: { streams: number; leasingNext: boolean }[] = [];

  constructor(private readonly polls: Poll[]) {}

  lease(): Promise<Poll> {
    this.leases += 1;
    return Promise.resolve(this.next());
  }

  deliver(poll: Poll, goOn: () => boolean): Promise<Poll | undefined> {
    const leasingNext = goOn();
    this.delivered.push({ streams: poll.streams.length, leasingNext });
    return Promise.resolve(leasingNext ? this.next() : undefined);
  }

  private next(): Poll {
    return this.polls.shift() ?? pollOf(0);
  }
}

describe('EventDeliveryLoop', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const start = (polls: Poll[], pollIntervalMs: number) => {
    const delivery = new ScriptedDelivery(polls);
    const loop = new EventDeliveryLoop(
      {
        runsWorkers: true,
        shutdownTimeoutMs: 1_000,
        messagingEvents: { pollIntervalMs },
      } as AppConfig,
      delivery as unknown as EventDelivery,
      { names: () => ['steady'] } as unknown as EventSubscribersRegistry,
    );
    loop.onApplicationBootstrap();
    const stop = async () => {
      const stopping = loop.beforeApplicationShutdown();
      await jest.advanceTimersByTimeAsync(0);
      await stopping;
    };
    return { delivery, stop };
  };

  it('goes straight on after a full poll, and gathers for a while after a partial one', async () => {
    const { delivery, stop } = start([pollOf(LIMIT), pollOf(1)], 250);
    await jest.advanceTimersByTimeAsync(0);

    // The full poll's acknowledgement leased the next; the partial one was acknowledged alone.
    expect(delivery.delivered).toEqual([
      { streams: LIMIT, leasingNext: true },
      { streams: 1, leasingNext: false },
    ]);
    expect(delivery.leases).toBe(1);
    await jest.advanceTimersByTimeAsync(GATHER_MS - 1);
    expect(delivery.leases).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(delivery.leases).toBe(2);
    // nothing due: the poll interval
    await jest.advanceTimersByTimeAsync(249);
    expect(delivery.leases).toBe(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(delivery.leases).toBe(3);
    await stop();
  });

  it('gathers no longer than the poll interval', async () => {
    const { delivery, stop } = start([pollOf(1)], 40);
    await jest.advanceTimersByTimeAsync(39);
    expect(delivery.leases).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(delivery.leases).toBe(2);
    await stop();
  });
});
