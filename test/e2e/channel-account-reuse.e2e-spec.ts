import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { newId } from '@core/database/ids';
import { RedisBroadcasts } from '@core/redis/redis-broadcasts';
import { eventually } from '@test/support/eventually';
import { createTenant, createTestApp, TestTenant } from '@test/support/test-app';

/**
 * Two app instances (pods) on one Redis and database, each reusing a channel account it read
 * for a minute: longer than any wait here, so only an announcement (or its absence) explains
 * what a pod reads after a change made through the other.
 */
describe('Channel accounts reused across pods', () => {
  let podA: NestFastifyApplication;
  let podB: NestFastifyApplication;
  let tenant: TestTenant;
  const env = {
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}accounts-${newId()}`,
    CHANNEL_ACCOUNT_CACHE_MS: '60000',
  };

  beforeAll(async () => {
    podA = await createTestApp(env);
    podB = await createTestApp(env);
    tenant = await createTenant(podA);
  });

  afterAll(async () => {
    await podA.close();
    await podB.close();
  });

  const newAccount = async () =>
    (
      await podA.get(ChannelAccountsService).create(tenant.id, {
        hub: 'whatsapp',
        provider: 'evolution',
        name: `line-${newId()}`,
        externalId: `instance-${newId()}`,
        credentials: { baseUrl: 'http://127.0.0.1:9', apiKey: 'instance-token' },
      })
    ).id;
  const statusOnB = async (accountId: string) =>
    (await podB.get(ChannelAccountsService).getForSend(tenant.id, accountId)).status;

  it('shows pod B a status changed through pod A at once', async () => {
    const accountId = await newAccount();
    expect(await statusOnB(accountId)).toBe('active');

    await podA.get(ChannelAccountsService).setStatus(accountId, 'needs_reauth');

    await eventually(async () => expect(await statusOnB(accountId)).toBe('needs_reauth'));
  });

  it('announces a status change but not a status confirmed unchanged (a health check)', async () => {
    const accountId = await newAccount();
    const heard: string[] = [];
    const broadcastsOnB = podB.get(RedisBroadcasts);
    broadcastsOnB.on('channel-accounts.changed', () => heard.push('changed'));
    broadcastsOnB.on('test.marker', () => heard.push('marker'));

    await podA.get(ChannelAccountsService).setStatus(accountId, 'active');
    await podA.get(ChannelAccountsService).setStatus(accountId, 'needs_reauth');
    // Announcements from one instance arrive in the order made: the marker comes last.
    await podA.get(RedisBroadcasts).publish('test.marker', null);

    await eventually(() => Promise.resolve(expect(heard).toContain('marker')));
    expect(heard).toEqual(['changed', 'marker']);
  });
});
