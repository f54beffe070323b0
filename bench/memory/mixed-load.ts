import { randomInt } from 'node:crypto';
import { Pool } from 'undici';
import {
  metaMessages,
  metaMessagesWebhook,
  metaStatus,
  metaStatusesWebhook,
  newWamid,
  signMetaWebhook,
} from '@test/fakes/meta-graph/webhooks';
import type { BenchGraph } from '../outbound/bench-graph';
import type { BenchAccount } from '../outbound/hub-fixture';
import { SteadyStream } from './steady-stream';

export interface MixedRates {
  webhooksPerSecond: number;
  sendsPerSecond: number;
  readsPerSecond: number;
}

interface RecentSend {
  phoneNumberId: string;
  wamid: string;
  to: string;
}

const TEXT = 'Can I move my appointment to Thursday afternoon? Anything after 3 pm works.';

/**
 * A busy day in three steady streams against the api process: Meta webhooks in (customers
 * writing, alternating with delivered/read statuses of messages the fake has accepted),
 * messages out through POST /api/v2/messages, and the frontend reading conversation lists
 * and histories.
 */
export class MixedLoad {
  readonly streams: SteadyStream[];
  private readonly pool: Pool;
  private readonly recent: RecentSend[] = [];
  private seenSends = 0;
  private readonly conversations = new Map<string, string[]>();
  private refresh?: NodeJS.Timeout;
  private webhooks = 0;
  private sends = 0;
  private reads = 0;

  constructor(
    apiUrl: string,
    private readonly accounts: readonly BenchAccount[],
    private readonly graph: BenchGraph,
    private readonly appSecret: string,
    rates: MixedRates,
  ) {
    this.pool = new Pool(apiUrl, { connections: 32 });
    this.streams = [
      new SteadyStream('webhooks', rates.webhooksPerSecond, () => this.webhook()),
      new SteadyStream('sends', rates.sendsPerSecond, () => this.send()),
      new SteadyStream('reads', rates.readsPerSecond, () => this.read()),
    ];
  }

  start(): void {
    this.refresh = setInterval(() => this.collectRecentSends(), 2_000);
    for (const stream of this.streams) stream.start();
  }

  async stop(): Promise<void> {
    clearInterval(this.refresh);
    await Promise.all(this.streams.map((stream) => stream.stop()));
    await this.pool.close();
  }

  private pick(): { account: BenchAccount; customer: string } {
    const account = this.accounts[randomInt(this.accounts.length)];
    return { account, customer: account.customers[randomInt(account.customers.length)] };
  }

  private webhook(): Promise<number> {
    this.webhooks += 1;
    const status = this.webhooks % 2 === 0 ? this.recent[randomInt(this.recent.length || 1)] : null;
    let body: object;
    if (status) {
      body = metaStatusesWebhook(
        { phoneNumberId: status.phoneNumberId },
        metaStatus({
          id: status.wamid,
          status: randomInt(2) ? 'delivered' : 'read',
          recipientId: status.to.replace(/^\+/, ''),
        }),
      );
    } else {
      const { account, customer } = this.pick();
      body = metaMessagesWebhook(
        { phoneNumberId: account.phoneNumberId },
        { waId: customer, name: 'Bench Customer' },
        metaMessages.text({ from: customer, id: newWamid() }, TEXT),
      );
    }
    const raw = JSON.stringify(body);
    return this.request(
      'POST',
      '/webhooks/meta',
      {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaWebhook(raw, this.appSecret),
      },
      raw,
    );
  }

  private send(): Promise<number> {
    const { account, customer } = this.pick();
    return this.request(
      'POST',
      '/api/v2/messages',
      { ...account.headers, 'content-type': 'application/json' },
      JSON.stringify({
        channelAccountId: account.id,
        to: `+${customer}`,
        type: 'text',
        text: { body: `Soak ${(this.sends += 1)}: your appointment is confirmed.` },
      }),
    );
  }

  /** Alternates a conversation list page with a page of one conversation's history. */
  private async read(): Promise<number> {
    const { account } = this.pick();
    const known = this.conversations.get(account.tenantId) ?? [];
    this.reads += 1;
    if (this.reads % 2 === 0 && known.length) {
      const id = known[randomInt(known.length)];
      return this.request('GET', `/api/v2/conversations/${id}/messages?limit=50`, account.headers);
    }
    const { statusCode, body } = await this.pool.request({
      method: 'GET',
      path: '/api/v2/conversations?limit=50',
      headers: account.headers,
    });
    const page = (await body.json()) as { items?: { id: string }[] };
    if (statusCode === 200 && page.items?.length) {
      this.conversations.set(
        account.tenantId,
        page.items.map((item) => item.id),
      );
    }
    return statusCode;
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<number> {
    const response = await this.pool.request({ method, path, headers, body });
    await response.body.dump();
    return response.statusCode;
  }

  /** Keeps the last 500 sends the fake accepted, for status webhooks about real messages. */
  private collectRecentSends(): void {
    const sent = this.graph.fake.sent();
    for (const message of sent.slice(this.seenSends)) {
      this.recent.push({
        phoneNumberId: message.phoneNumberId,
        wamid: message.wamid,
        to: String(message.body.to),
      });
    }
    this.seenSends = sent.length;
    this.recent.splice(0, Math.max(0, this.recent.length - 500));
  }
}
