import { newId } from '@core/database/ids';
import { CloudApiScenario, startCloudApiScenario } from '@test/support/cloud-api-scenario';
import { eventually } from '@test/support/eventually';
import {
  deliveriesByText,
  SendTarget,
  SteadySends,
  startSteadySends,
  statusesOf,
  textOf,
} from './support/outbound-traffic';
import { printScenarioSummary } from './support/summary';

const CUSTOMER = '5511987657070';
const HTTP_TIMEOUT_MS = 1_000;
/** Meta takes every send at once but answers well after our deadline. */
const SLOW_ANSWER_MS = HTTP_TIMEOUT_MS * 3;
/** How long the platform stays slow, with a send every SEND_INTERVAL_MS all along. */
const SLOW_FOR_MS = 6_000;
const SEND_INTERVAL_MS = 100;

/**
 * A slow platform: for a while Meta accepts every send on arrival and answers only after the
 * HTTP timeout (Meta has no idempotency key). Every send that timed out may be out, so none
 * is repeated: at most one delivery per message, the late ones held as `unknown`, the rest sent
 * once the platform answers in time again (the circuit, opened by the timeouts, closes). Before,
 * each timed-out send was retried until its attempts ran out: one message, up to 5 deliveries.
 */
describe('A platform answering sends after the timeout', () => {
  let scenario: CloudApiScenario;
  let sends: SteadySends | undefined;

  beforeAll(async () => {
    scenario = await startCloudApiScenario({
      accountName: 'slow',
      env: {
        QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}slow-${newId()}`,
        THROTTLE_LIMIT: '100000',
        HTTP_TIMEOUT_MS: String(HTTP_TIMEOUT_MS),
        CIRCUIT_WHATSAPP_FAILURE_THRESHOLD: '3',
        CIRCUIT_WHATSAPP_HALF_OPEN_AFTER_MS: '1000',
      },
    });
  });

  afterAll(async () => {
    await sends?.stop().catch(() => undefined);
    await scenario?.close();
  });

  it('delivers each message at most once and holds the late ones as unknown', async () => {
    const { app, db, graph, tenant } = scenario;
    await scenario.customerWrites(CUSTOMER, 'Oi, ainda estão aí?');
    const target: SendTarget = { app, tenant, account: 'slow', to: `+${CUSTOMER}` };
    sends = startSteadySends(target, 'slow', SEND_INTERVAL_MS);

    graph.answerSendsAfter(SLOW_ANSWER_MS);
    await new Promise((resolve) => setTimeout(resolve, SLOW_FOR_MS));
    graph.answerSendsAfter(0);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const accepted = await sends.stop();
    const ids = accepted.map((send) => send.id);

    const statuses = await eventually(async () => {
      const current = await statusesOf(db, ids);
      expect(ids.filter((id) => !['sent', 'unknown'].includes(current.get(id)!))).toEqual([]);
      return current;
    }, 60_000);

    const deliveries = deliveriesByText(graph);
    const answeredLate = new Set(
      graph
        .sent()
        .filter((m) => m.answerDelayMs >= HTTP_TIMEOUT_MS)
        .map(textOf),
    );
    const unknown = accepted.filter((send) => statuses.get(send.id) === 'unknown');
    const duplicated = accepted.filter((send) => (deliveries.get(send.text) ?? 0) > 1);
    printScenarioSummary('slow-platform', {
      accepted: accepted.length,
      deliveries: [...deliveries.values()].reduce((sum, n) => sum + n, 0),
      answeredLate: answeredLate.size,
      heldUnknown: unknown.length,
      sent: accepted.length - unknown.length,
      duplicates: duplicated.length,
    });

    // The slow period really caught sends, and the platform recovered for the rest.
    expect(answeredLate.size).toBeGreaterThan(0);
    expect(unknown.length).toBeLessThan(accepted.length);
    expect(duplicated).toEqual([]);
    // Nothing lost: every message went out once; exactly the late-answered ones are unknown.
    expect(accepted.filter((send) => !deliveries.has(send.text))).toEqual([]);
    expect(unknown.map((send) => send.text).sort()).toEqual([...answeredLate].sort());
  }, 180_000);
});
