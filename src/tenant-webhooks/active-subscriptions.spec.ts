import { ACTIVE_SUBSCRIPTIONS_TTL_MS, ActiveSubscriptions } from './active-subscriptions';
import type { TenantWebhooksRepository, WebhookRow } from './tenant-webhooks.repository';

const row = (id: string, eventTypes: string[]) => ({ id, eventTypes }) as unknown as WebhookRow;

describe('ActiveSubscriptions', () => {
  let reads: string[];
  let stored: WebhookRow[];
  let subscriptions: ActiveSubscriptions;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    reads = [];
    stored = [row('w1', ['message.received']), row('w2', ['message.sent'])];
    subscriptions = new ActiveSubscriptions({
      activeOf: (tenantId: string) => {
        reads.push(tenantId);
        return Promise.resolve([...stored]);
      },
    } as unknown as TenantWebhooksRepository);
  });

  afterEach(() => jest.useRealTimers());

  it('reads a tenant once per TTL and answers each event type from that read', async () => {
    expect((await subscriptions.matching('t1', 'message.received')).map((w) => w.id)).toEqual([
      'w1',
    ]);
    expect((await subscriptions.matching('t1', 'message.sent')).map((w) => w.id)).toEqual(['w2']);
    expect(await subscriptions.matching('t1', 'conversation.opened')).toEqual([]);
    expect(reads).toEqual(['t1']);

    jest.advanceTimersByTime(ACTIVE_SUBSCRIPTIONS_TTL_MS);
    await subscriptions.matching('t1', 'message.sent');
    expect(reads).toEqual(['t1', 't1']);
  });

  it('reads again at once after a change made here', async () => {
    expect(await subscriptions.matching('t1', 'message.read')).toEqual([]);
    stored.push(row('w3', ['message.read']));
    subscriptions.forget('t1');
    expect((await subscriptions.matching('t1', 'message.read')).map((w) => w.id)).toEqual(['w3']);
  });
});
