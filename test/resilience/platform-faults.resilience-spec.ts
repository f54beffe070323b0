import { newId } from '@core/database/ids';
import { DEFAULT_JOB_OPTIONS, WORKER_DEFAULTS } from '@core/queue/queue-defaults';
import { MetaCloudProvider } from '@app/whatsapp/meta-cloud/meta-cloud.provider';
import type { RecordedRequest } from '@test/fakes/fake-http-server';
import type { MetaGraphFake } from '@test/fakes/meta-graph/meta-graph-fake';
import { metaErrorAnswer } from '@test/fakes/meta-graph/meta-error-payloads';
import { CloudApiScenario, startCloudApiScenario } from '@test/support/cloud-api-scenario';
import { eventually } from '@test/support/eventually';
import { CircuitJournal, recordCircuit } from './support/circuit-journal';
import {
  deliveriesByText,
  textOfRequest,
  SendTarget,
  SteadySends,
  startSteadySends,
  statusesOf,
} from './support/outbound-traffic';
import { printScenarioSummary } from './support/summary';

const CUSTOMER = '5511987659012';
const FAILURE_THRESHOLD = 2;
const HALF_OPEN_AFTER_MS = 1_000;
/** Generous, so only the fake's slow answers time out, not an event loop busy with the test. */
const HTTP_TIMEOUT_MS = 1_000;
/** Well beyond the circuit's own waits (about 3 s here), so an ignored Retry-After shows. */
const RETRY_AFTER_SECONDS = 8;
/** One frontend send every this many ms, before, during and after the bursts. */
const SEND_INTERVAL_MS = 50;
const CONCURRENCY = WORKER_DEFAULTS.concurrency!;

type FaultKind = '500' | '429' | 'timeout';

/**
 * A burst: the platform fails the next calls, enough that the circuit opens and (for 500 and
 * 429) its first probe fails too. Timeouts take the worker's every slot: a send that succeeded
 * meanwhile would reset the consecutive-failure count, and no real outage lets some through.
 */
const BURSTS: { kind: FaultKind; faults: number; inject(graph: MetaGraphFake): void }[] = [
  {
    kind: '500',
    faults: FAILURE_THRESHOLD + 2,
    inject: (graph) => graph.failNext(FAILURE_THRESHOLD + 2, metaErrorAnswer(131000)),
  },
  {
    kind: '429',
    faults: FAILURE_THRESHOLD + 2,
    inject: (graph) =>
      graph.failNext(FAILURE_THRESHOLD + 2, {
        ...metaErrorAnswer(130429),
        status: 429,
        headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
      }),
  },
  {
    kind: 'timeout',
    faults: CONCURRENCY,
    inject: (graph) => graph.answerNextSendsAfter(CONCURRENCY, HTTP_TIMEOUT_MS * 2.5),
  },
];

/** The fault the fake served a call, as the fake saw it. */
function faultServed(request: RecordedRequest): FaultKind | undefined {
  const answer = request.answer;
  if (!answer) return undefined;
  if (answer.delayMs >= HTTP_TIMEOUT_MS) return 'timeout';
  if (answer.status === 429) return '429';
  return answer.status >= 500 ? '500' : undefined;
}

/**
 * The least wait BullMQ's exponential backoff allows before retry `failures` (1 = first):
 * the nominal delay minus its jitter. Outbound sends retry through the queue's backoff.
 */
function leastBackoffMs(failures: number): number {
  const backoff = DEFAULT_JOB_OPTIONS.backoff as { delay: number; jitter?: number };
  return backoff.delay * 2 ** (failures - 1) * (1 - (backoff.jitter ?? 0));
}

/** One Graph call of a message: how the sender saw it end, and when the fake got it. */
interface Attempt {
  outcome: string;
  request: RecordedRequest;
}

interface SpacingViolation {
  text: string;
  after: string;
  gapMs: number;
  leastMs: number;
}

/** Every call after the first compared with the wait the previous one's failure called for. */
function spacingViolations(attempts: Map<string, Attempt[]>): SpacingViolation[] {
  const violations: SpacingViolation[] = [];
  for (const [text, calls] of attempts) {
    let failures = 0;
    for (let i = 1; i < calls.length; i += 1) {
      const previous = calls[i - 1];
      if (previous.outcome !== 'ok') failures += 1;
      const retryAfterMs = Number(previous.request.answer?.headers['retry-after'] ?? 0) * 1000;
      // After a send the sender saw succeed there must be no further call at all.
      const leastMs =
        previous.outcome === 'ok' ? Infinity : Math.max(leastBackoffMs(failures), retryAfterMs);
      const gapMs = calls[i].request.receivedAt - previous.request.receivedAt;
      if (gapMs < leastMs) violations.push({ text, after: previous.outcome, gapMs, leastMs });
    }
  }
  return violations;
}

/**
 * Issue 6, fault 4: under a steady stream of sends, the Graph fake answers 500s, then 429s
 * with Retry-After, then times out, each in a burst. The account's circuit must open and close
 * again (hub_circuit_state), let no call through while open but its probes, retries must wait
 * at least the backoff (and the Retry-After), nothing may be lost, and nothing sent twice. A
 * send that timed out after it was written may have been taken by the platform (here it was):
 * it is held as `unknown`, never repeated (before, it was retried and went out again).
 */
describe('The platform failing in bursts (500, 429, timeouts) under a steady stream of sends', () => {
  let scenario: CloudApiScenario;
  let journal: CircuitJournal | undefined;
  let sends: SteadySends | undefined;

  beforeAll(async () => {
    scenario = await startCloudApiScenario({
      accountName: 'faults',
      env: {
        QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}faults-${newId()}`,
        THROTTLE_LIMIT: '100000',
        CIRCUIT_WHATSAPP_FAILURE_THRESHOLD: String(FAILURE_THRESHOLD),
        CIRCUIT_WHATSAPP_HALF_OPEN_AFTER_MS: String(HALF_OPEN_AFTER_MS),
        HTTP_TIMEOUT_MS: String(HTTP_TIMEOUT_MS),
      },
    });
  });

  afterAll(async () => {
    // A failed test leaves the stream running, and its timer would keep Jest from exiting.
    await sends?.stop().catch(() => undefined);
    journal?.stop();
    await scenario?.close();
  });

  it('opens and closes the circuit, respects backoff, loses nothing, sends nothing twice, holds timed-out sends as unknown', async () => {
    const { app, db, graph, tenant } = scenario;
    await scenario.customerWrites(CUSTOMER, 'Bom dia, quero confirmar meu pedido');
    const [{ id: accountId }]: { id: string }[] = await db.query(
      `SELECT id FROM channel_accounts WHERE tenant_id = $1`,
      [tenant.id],
    );
    journal = recordCircuit(
      app,
      accountId,
      app.get(MetaCloudProvider),
      'send',
      (_account, message) => (message as { text?: string }).text ?? '',
    );
    const target: SendTarget = { app, tenant, account: 'faults', to: `+${CUSTOMER}` };
    sends = startSteadySends(target, 'fault', SEND_INTERVAL_MS);

    const isSend = (r: RecordedRequest) => r.method === 'POST' && r.path.endsWith('/messages');
    const cycles: Partial<Record<FaultKind, string>> = {};
    for (const { kind, faults, inject } of BURSTS) {
      const journalFrom = journal.entries.length;
      const requestsFrom = graph.requests.length;
      inject(graph);
      // The burst is over once the fake served all its faults and the circuit, having opened,
      // closed again.
      await eventually(() => {
        const states = journal!.statesSince(journalFrom);
        const served = graph.requests
          .slice(requestsFrom)
          .filter((r) => isSend(r) && faultServed(r) === kind).length;
        expect(served).toBe(faults);
        expect(states).toContain('open');
        expect(states.at(-1)).toBe('closed');
        cycles[kind] = states.join('>');
        return Promise.resolve();
      }, 30_000);
    }
    const accepted = await sends.stop();
    const ids = accepted.map((send) => send.id);
    const finalStatuses = await eventually(async () => {
      const statuses = await statusesOf(db, ids);
      expect(ids.filter((id) => !['sent', 'unknown'].includes(statuses.get(id)!))).toEqual([]);
      return statuses;
    }, 60_000);

    // Each message's calls in order, as the sender saw them end and as the fake received them
    // (one message's calls never overlap, so the n-th of each side is the same call).
    const sendRequests = graph.requests.filter(isSend);
    const calls = journal.calls();
    const attempts = new Map<string, Attempt[]>();
    for (const text of accepted.map((send) => send.text)) {
      const seen = calls.filter((c) => c.label === text);
      const received = sendRequests.filter((r) => textOfRequest(r) === text);
      expect(received).toHaveLength(seen.length);
      attempts.set(
        text,
        seen.map((c, i) => ({ outcome: c.outcome ?? 'pending', request: received[i] })),
      );
    }
    const deliveries = deliveriesByText(graph);
    const texts = accepted.map((send) => send.text);
    const duplicated = texts.filter((text) => (deliveries.get(text) ?? 0) > 1);
    const timedOut = new Set(
      texts.filter((text) => attempts.get(text)!.some((a) => a.outcome === 'outcome-unknown')),
    );
    const heldUnknown = accepted.filter((send) => finalStatuses.get(send.id) === 'unknown');
    const served = (kind: FaultKind) => sendRequests.filter((r) => faultServed(r) === kind).length;
    const violations = spacingViolations(attempts);

    printScenarioSummary('platform-faults', {
      accepted: accepted.length,
      sent: ids.length,
      calls: sendRequests.length,
      answered500: served('500'),
      answered429: served('429'),
      timeouts: calls.filter((c) => c.outcome === 'outcome-unknown').length,
      heldUnknown: heldUnknown.length,
      retried: [...attempts.values()].filter((a) => a.length > 1).length,
      duplicates: duplicated.length,
      duplicatesAfterTimeout: duplicated.filter((text) => timedOut.has(text)).length,
      callsWhileOpen: journal.callsWhileOpen(),
      backoffViolations: violations.length,
      circuit500: cycles['500']!,
      circuit429: cycles['429']!,
      circuitTimeout: cycles.timeout!,
    });

    // Nothing lost: every accepted message went out, and is recorded as sent unless its send
    // timed out (held as unknown, exactly those).
    expect(texts.filter((text) => !deliveries.has(text))).toEqual([]);
    expect(heldUnknown.map((send) => send.text).sort()).toEqual([...timedOut].sort());
    expect(timedOut.size).toBe(served('timeout'));
    // Every call the circuit let through reached the fake, and none while it was open.
    expect(sendRequests.length).toBe(calls.length);
    expect(journal.callsWhileOpen()).toBe(0);
    expect(journal.mostCallsInOneHalfOpen()).toBe(1);
    // 500s and 429s were refused by the platform, and a timed-out send is never repeated.
    expect(duplicated).toEqual([]);
    expect(violations).toEqual([]);
  }, 180_000);
});
