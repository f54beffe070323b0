import { CloudApiScenario, startCloudApiScenario } from '@test/support/cloud-api-scenario';
import { eventually } from '@test/support/eventually';
import { TcpProxy, proxiedUrl, startTcpProxyFor } from '@test/support/tcp-proxy';
import { processedWamids, storedWamids } from './support/inbox-outcomes';
import { printScenarioSummary } from './support/summary';
import {
  WebhookDelivery,
  WebhookLoad,
  countDeliveries,
  isAcknowledged,
  startWebhookLoad,
} from './support/webhook-load';

const OUTAGE_MS = 30_000;
const STEADY_MS = 5_000;
const RATE_PER_SECOND = 25;
/** Sent at once just before the cut, so the worker is busy with them when PostgreSQL goes. */
const BURST = 100;
const RECOVERY_TIMEOUT_MS = 90_000;
const PROBLEM_JSON = /^application\/problem\+json/;

/**
 * Issue 6: "PostgreSQL stopped for 30 s: intake answers 503 (so the platform retries), nothing
 * acknowledged is lost, /health/ready turns 503 and back". The machine's PostgreSQL is shared,
 * so the app reaches it through a TCP proxy that is cut: open connections are reset and new
 * ones refused, which is what a stopped server looks like to a client.
 */
describe('Resilience: PostgreSQL stopped for 30 s under webhook load', () => {
  let proxy: TcpProxy;
  let scenario: CloudApiScenario;
  let load: WebhookLoad | undefined;

  beforeAll(async () => {
    proxy = await startTcpProxyFor(process.env.DATABASE_URL!);
    scenario = await startCloudApiScenario({
      accountName: 'postgres-outage',
      env: {
        DATABASE_URL: proxiedUrl(process.env.DATABASE_URL!, proxy),
        INBOX_SWEEP_INTERVAL_MS: '1000',
        INBOX_SWEEP_AFTER_MS: '1000',
      },
    });
  });

  afterAll(async () => {
    await load?.stop();
    await proxy?.restore();
    await scenario?.close();
    await proxy?.close();
  });

  const readiness = async () =>
    (await scenario.app.inject({ method: 'GET', url: '/health/ready' })).statusCode;

  it('answers 503 while it is down, loses nothing it acknowledged, and stores the retries', async () => {
    expect(await readiness()).toBe(200);
    load = startWebhookLoad({
      number: scenario.number,
      send: (body) => scenario.webhook(body),
      ratePerSecond: RATE_PER_SECOND,
    });
    await sleep(STEADY_MS);
    load.phase = 'burst';
    await load.burst(BURST);

    load.phase = 'outage';
    await proxy.cut();
    const cutAt = Date.now();
    await eventually(async () => expect(await readiness()).toBe(503), OUTAGE_MS);
    const readyDuringOutage = await readiness();
    await sleep(OUTAGE_MS - (Date.now() - cutAt));
    await proxy.restore();

    load.phase = 'after';
    await eventually(async () => expect(await readiness()).toBe(200), RECOVERY_TIMEOUT_MS);
    await sleep(STEADY_MS);
    const deliveries = await load.stop();

    // The platform delivers again whatever was not acknowledged.
    const refused = deliveries.filter((delivery) => !isAcknowledged(delivery));
    const redelivered: WebhookDelivery[] = [];
    for (const delivery of refused) {
      const response = await scenario.webhook(delivery.body);
      redelivered.push({ ...delivery, phase: 'redelivery', status: response.statusCode });
    }

    const acknowledged = [...deliveries, ...redelivered]
      .filter(isAcknowledged)
      .map((delivery) => delivery.wamid);
    let processed = new Set<string>();
    await eventually(async () => {
      processed = await processedWamids(scenario.db, acknowledged);
      if (processed.size < acknowledged.length) throw new Error('acknowledged webhooks pending');
    }, RECOVERY_TIMEOUT_MS).catch(() => undefined);
    const stored = await storedWamids(scenario.db, acknowledged);

    const duringOutage = deliveries.filter((delivery) => delivery.phase === 'outage');
    const unavailable = refused.filter((delivery) => delivery.status === 503);
    const badRefusals = refused.filter(
      (delivery) =>
        delivery.status !== 503 ||
        !PROBLEM_JSON.test(delivery.contentType ?? '') ||
        !/^\d+$/.test(delivery.retryAfter ?? ''),
    );
    const lost = acknowledged.filter((wamid) => !processed.has(wamid));
    printScenarioSummary('postgres-outage', {
      ...countDeliveries(deliveries),
      sentDuringOutage: duringOutage.length,
      unavailable503: unavailable.length,
      otherRefusals: badRefusals.length,
      redelivered: redelivered.length,
      redeliveredAcknowledged: redelivered.filter(isAcknowledged).length,
      readyDuringOutage,
      readyAfter: await readiness(),
      stored: stored.size,
      processed: processed.size,
      lost: lost.length,
    });

    // The cut really met traffic, and each refusal told the platform to come back later.
    expect(duringOutage.filter((delivery) => delivery.status === 503).length).toBeGreaterThan(0);
    expect(
      badRefusals.slice(0, 5).map(({ wamid, phase, status, contentType, retryAfter }) => ({
        wamid,
        phase,
        status,
        contentType,
        retryAfter,
      })),
    ).toEqual([]);
    expect(readyDuringOutage).toBe(503);
    expect(redelivered.filter((delivery) => !isAcknowledged(delivery))).toEqual([]);
    expect({ lost: lost.length, firstLost: lost.slice(0, 5) }).toEqual({ lost: 0, firstLost: [] });
  }, 300_000);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
