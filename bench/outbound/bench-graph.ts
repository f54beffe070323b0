import { performance } from 'node:perf_hooks';
import type { RecordedRequest } from '@test/fakes/fake-http-server';
import {
  type MetaGraphFake,
  type MetaGraphFakeAccount,
  startMetaGraphFake,
} from '@test/fakes/meta-graph/meta-graph-fake';

/** One send as the fake received it: whose number, the text, and when (performance.now()). */
export interface GraphArrival {
  phoneNumberId: string;
  text: string;
  at: number;
}

export interface BenchGraph {
  fake: MetaGraphFake;
  accounts: readonly MetaGraphFakeAccount[];
  /** Called for every `POST /{phone-number-id}/messages` the moment its body has arrived. */
  onArrival(listener: (arrival: GraphArrival) => void): void;
  close(): Promise<void>;
}

const WABA_ID = '102290129340398';
const MESSAGES_PATH = /^\/v[\d.]+\/([^/]+)\/messages$/;

/**
 * The Meta Graph fake with `count` Cloud API numbers, running in the bench process so the
 * accept time (the 202 seen by the load generator) and the arrival time share one clock.
 *
 * The fake records a request by pushing it onto its public `requests` list before it answers;
 * the bench takes that push as the arrival stamp and keeps nothing, so a long run does not
 * grow the bench process by every request body.
 */
export async function startBenchGraph(count: number): Promise<BenchGraph> {
  const accounts: MetaGraphFakeAccount[] = Array.from({ length: count }, (_, index) => ({
    phoneNumberId: `1065403${String(index).padStart(5, '0')}`,
    wabaId: WABA_ID,
    accessToken: `EAAGbenchtoken${index}x0123456789abcdef`,
  }));
  const fake = await startMetaGraphFake({ accounts });
  const listeners: ((arrival: GraphArrival) => void)[] = [];
  Object.defineProperty(fake.requests, 'push', {
    value: (...requests: RecordedRequest[]): number => {
      const at = performance.now();
      for (const request of requests) {
        const phoneNumberId = MESSAGES_PATH.exec(request.path)?.[1];
        const text = (request.json as { text?: { body?: unknown } } | undefined)?.text?.body;
        if (request.method !== 'POST' || !phoneNumberId || typeof text !== 'string') continue;
        for (const listener of listeners) listener({ phoneNumberId, text, at });
      }
      return 0;
    },
  });
  return {
    fake,
    accounts,
    onArrival: (listener) => listeners.push(listener),
    close: () => fake.close(),
  };
}
