import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { newId } from '@core/database/ids';
import { RedisBroadcasts } from '@core/redis/redis-broadcasts';
import { eventually } from '@test/support/eventually';
import { createTenant, TestTenant, twoPods } from '@test/support/test-app';

/**
 * Two app instances (pods) on one Redis and database, each reusing a channel account it read
 * for a minute: longer than any wait here, so only an announcement (or its absence) explains
 * what a pod reads after a change made through the other.
 */
describe('Channel accounts reused across pods', () => {
  const pods = twoPods({
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}accounts-${newId()}`,
    CHANNEL_ACCOUNT_CACHE_MS: '60000',
  });
  let tenant: TestTenant;

  beforeAll(async () => {
    tenant = await createTenant(pods.a);
  });

  const newAccount = async () =>
    (
      await pods.a.get(ChannelAccountsService).create(tenant.id, {
        hub: 'whatsapp',
        provider: 'evolution',
        name: `line-${newId()}`,
        externalId: `instance-${newId()}`,
        credentials: { baseUrl: 'http://127.0.0.1:9', apiKey: 'instance-token' },
      })
    ).id;
  const statusOnB = async (accountId: string) =>
    (await pods.b.get(ChannelAccountsService).getForSend(tenant.id, accountId)).status;

  it('shows pod B a status changed through pod A at once', async () => {
    const accountId = await newAccount();
    expect(await statusOnB(accountId)).toBe('active');

    await pods.a.get(ChannelAccountsService).setStatus(accountId, 'needs_reauth');

    await eventually(async () => expect(await statusOnB(accountId)).toBe('needs_reauth'));
  });

  it('announces a status change but not a status confirmed unchanged (a health check)', async () => {
    const accountId = await newAccount();
    const heard: string[] = [];
    const broadcastsOnB = pods.b.get(RedisBroadcasts);
    broadcastsOnB.on('channel-accounts.changed', () => heard.push('changed'));
    broadcastsOnB.on('test.marker', () => heard.push('marker'));

    await pods.a.get(ChannelAccountsService).setStatus(accountId, 'active');
    await pods.a.get(ChannelAccountsService).setStatus(accountId, 'needs_reauth');
    // Announcements from one instance arrive in the order made: the marker comes last.
    await pods.a.get(RedisBroadcasts).publish('test.marker', null);

    await eventually(() => Promise.resolve(expect(heard).toContain('marker')));
    expect(heard).toEqual(['changed', 'marker']);
  });
});
