import type { Response as InjectResponse } from 'light-my-request';
import {
  MetaBusinessNumber,
  metaMessages,
  metaMessagesWebhook,
  newWamid,
} from '@test/fakes/meta-graph/webhooks';

/** One webhook as the platform sent it and what Omnihub answered. */
export interface WebhookDelivery {
  wamid: string;
  /** The body as sent, so the very same delivery can be sent again (a platform retry). */
  body: Record<string, unknown>;
  /** What the test was doing when the delivery was sent ('before', 'outage', ...). */
  phase: string;
  status: number;
  retryAfter?: string;
  contentType?: string;
}

export interface WebhookLoad {
  /** Deliveries sent from now on are labelled with this phase. */
  phase: string;
  /** Sends `count` deliveries at once, on top of the steady rate; resolves when all answered. */
  burst(count: number): Promise<WebhookDelivery[]>;
  /** The wamids of the deliveries acknowledged so far. */
  acknowledgedSoFar(): string[];
  /**
   * Stops sending, waits for the deliveries in flight and returns every delivery. Safe to
   * call again (e.g. from afterAll when the test failed midway).
   */
  stop(): Promise<WebhookDelivery[]>;
}

export interface WebhookLoadOptions {
  number: MetaBusinessNumber;
  /** Sends one signed delivery (e.g. CloudApiScenario.webhook). */
  send(body: Record<string, unknown>): Promise<InjectResponse>;
  ratePerSecond: number;
  /** Deliveries in flight at once, as a platform keeps several connections open. */
  lanes?: number;
  /** Distinct customers writing, so the load spreads over several contacts and conversations. */
  customers?: number;
}

/** The platform treats any 2xx as "delivered" and never sends it again. */
export const isAcknowledged = (delivery: WebhookDelivery) =>
  delivery.status >= 200 && delivery.status < 300;

/**
 * Customer text messages delivered to /webhooks/meta at a steady rate, each with a wamid of its
 * own, until stopped. Every delivery and its answer is kept, so a scenario can count what was
 * acknowledged and check each acknowledged one later.
 */
export function startWebhookLoad(options: WebhookLoadOptions): WebhookLoad {
  const lanes = options.lanes ?? 4;
  const customers = options.customers ?? 20;
  const intervalMs = (lanes * 1000) / options.ratePerSecond;
  const deliveries: WebhookDelivery[] = [];
  let running = true;
  let sequence = 0;

  const load: WebhookLoad = {
    phase: 'before',
    burst: (count) => Promise.all(Array.from({ length: count }, deliverOne)),
    acknowledgedSoFar: () => deliveries.filter(isAcknowledged).map((delivery) => delivery.wamid),
    async stop() {
      running = false;
      await Promise.all(lanePromises);
      return deliveries;
    },
  };

  const deliverOne = async (): Promise<WebhookDelivery> => {
    sequence += 1;
    const waId = `55119${String(sequence % customers).padStart(8, '0')}`;
    const wamid = newWamid();
    const body = metaMessagesWebhook(
      options.number,
      { waId, name: `Customer ${sequence % customers}` },
      metaMessages.text({ from: waId, id: wamid }, `message ${sequence}`),
    );
    const phase = load.phase;
    const response = await options.send(body);
    const delivery: WebhookDelivery = {
      wamid,
      body,
      phase,
      status: response.statusCode,
      retryAfter: header(response, 'retry-after'),
      contentType: header(response, 'content-type'),
    };
    deliveries.push(delivery);
    return delivery;
  };

  const lane = async () => {
    while (running) {
      const started = Date.now();
      await deliverOne();
      const wait = intervalMs - (Date.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
  const lanePromises = Array.from({ length: lanes }, lane);
  return load;
}

export function countDeliveries(deliveries: readonly WebhookDelivery[]) {
  const ok = deliveries.filter(isAcknowledged);
  return {
    sent: deliveries.length,
    acknowledged: ok.length,
    rejected: deliveries.length - ok.length,
  };
}

function header(response: InjectResponse, name: string): string | undefined {
  const value = response.headers[name];
  return value === undefined ? undefined : String(value);
}
