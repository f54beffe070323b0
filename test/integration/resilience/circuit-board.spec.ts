import { TestingModule } from '@nestjs/testing';
import { BreakerKey, breakerId } from '@core/resilience/breaker-key';
import { CallStats } from '@core/resilience/call-stats';
import { CircuitBoard, ClusterCircuit } from '@core/resilience/circuit-board';
import {
  CircuitBreakerRegistry,
  CircuitTransitionEvent,
} from '@core/resilience/circuit-breaker.registry';
import { PodIdentity } from '@core/resilience/pod-identity';
import { rejected, resilienceContext, serverError, uniqueKey, waitFor } from './resilience-context';

const settings = {
  CIRCUIT_WHATSAPP_FAILURE_THRESHOLD: '2',
  CIRCUIT_WHATSAPP_HALF_OPEN_AFTER_MS: '60000',
};

describe('The cluster view of circuits (two instances on one Redis)', () => {
  let podA: TestingModule;
  let podB: TestingModule;

  beforeAll(async () => {
    podA = await resilienceContext(settings);
    podB = await resilienceContext(settings);
  });

  afterAll(async () => {
    await podA.close();
    await podB.close();
  });

  const breakers = (pod: TestingModule) => pod.get(CircuitBreakerRegistry);
  const board = (pod: TestingModule) => pod.get(CircuitBoard);

  async function open(pod: TestingModule, key: BreakerKey): Promise<void> {
    for (let i = 0; i < 2; i++) {
      await expect(
        breakers(pod).execute(key, () => Promise.reject(serverError())),
      ).rejects.toThrow();
    }
  }

  async function seen(pod: TestingModule, key: BreakerKey): Promise<ClusterCircuit | undefined> {
    return (await board(pod).cluster()).find((c) => breakerId(c) === breakerId(key));
  }

  it("shows pod B's open circuit when asked on pod A, naming pod B", async () => {
    const key = uniqueKey();
    await open(podB, key);

    await waitFor(
      'the transition on the board',
      async () => (await seen(podA, key))?.state === 'open',
    );
    const circuit = await seen(podA, key);
    expect(circuit?.pods).toEqual([
      expect.objectContaining({ pod: podB.get(PodIdentity).id, state: 'open' }),
    ]);
    expect(breakers(podA).state(key)).toBe('closed');
  });

  it('closes on pod B and on the board when pod A resets', async () => {
    const key = uniqueKey();
    await open(podB, key);
    await waitFor(
      'the open circuit on the board',
      async () => (await seen(podA, key))?.state === 'open',
    );

    await breakers(podA).reset(key);

    await waitFor('pod B to close', () => breakers(podB).state(key) === 'closed');
    await waitFor(
      'the board to show it closed',
      async () => (await seen(podA, key))?.state === 'closed',
    );
  });

  it('publishes every transition on the shared stream with the pod and the cause', async () => {
    const key = uniqueKey();
    await open(podA, key);
    await waitFor('the stream entry', async () =>
      (await board(podB).recent(50)).some((t) => t.account === key.account && t.to === 'open'),
    );
    const entry = (await board(podB).recent(50)).find((t) => t.account === key.account)!;
    expect(entry).toMatchObject({
      hub: key.hub,
      from: 'closed',
      to: 'open',
      pod: podA.get(PodIdentity).id,
      cause: 'PLATFORM.SERVER',
    });
  });

  it('tells in-process listeners about transitions, resets included', async () => {
    const key = uniqueKey();
    const events: CircuitTransitionEvent[] = [];
    const stop = breakers(podA).onTransition((event) => events.push(event));
    await open(podA, key);
    await breakers(podA).reset(key);
    stop();
    expect(events.map((e) => [e.from, e.to, e.reset])).toEqual([
      ['closed', 'open', false],
      ['open', 'closed', true],
    ]);
  });

  it('counts successes, faults and refusals per account over the window for every pod', async () => {
    const key = uniqueKey();
    await breakers(podA).execute(key, () => Promise.resolve('ok'));
    await expect(breakers(podB).execute(key, () => Promise.reject(rejected()))).rejects.toThrow();
    await expect(
      breakers(podB).execute(key, () => Promise.reject(serverError())),
    ).rejects.toThrow();

    await waitFor(
      'three samples',
      async () => (await podA.get(CallStats).window(key)).requests === 3,
    );
    const window = await podA.get(CallStats).window(key);
    expect(window).toMatchObject({
      successes: 1,
      faults: 1,
      rejected: 1,
      lastOutcome: 'fault',
      lastFailureCode: 'PLATFORM.SERVER',
      p95Ms: 50,
    });
    expect(window.errorRate).toBeCloseTo(2 / 3);
    expect(window.lastSuccessAt).not.toBeNull();
  });
});
