import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { REDIS } from '@core/redis/redis.module';
import { RedisBroadcasts } from '@core/redis/redis-broadcasts';
import { eventually } from '@test/support/eventually';
import { adminHeaders, createTenant, TestTenant, twoPods } from '@test/support/test-app';

/**
 * Two app instances (pods) on one Redis and database, each reusing a resolved API key for a
 * minute: longer than any wait here, so only an announcement (or its absence) explains what
 * a pod answers after a change made through the other, or behind its back.
 */
describe('API keys reused across pods', () => {
  const pods = twoPods({
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}keys-${newId()}`,
    API_KEY_CACHE_MS: '60000',
  });

  const statusOn = async (pod: NestFastifyApplication, tenant: TestTenant) =>
    (await pod.inject({ method: 'GET', url: '/api/v2/api-keys', headers: tenant.headers }))
      .statusCode;

  it('lets a key in on pod B no more once pod A revoked it', async () => {
    const tenant = await createTenant(pods.a);
    expect(await statusOn(pods.b, tenant)).toBe(200);

    const revoked = await pods.a.inject({
      method: 'DELETE',
      url: `/api/v2/api-keys/${tenant.apiKeyId}`,
      headers: tenant.headers,
    });
    expect(revoked.statusCode).toBe(204);

    expect(await statusOn(pods.a, tenant)).toBe(401);
    await eventually(async () => expect(await statusOn(pods.b, tenant)).toBe(401));
  });

  it("lets a suspended tenant's key in on pod B no more", async () => {
    const tenant = await createTenant(pods.a);
    expect(await statusOn(pods.b, tenant)).toBe(200);

    const suspended = await pods.a.inject({
      method: 'PATCH',
      url: `/api/v2/tenants/${tenant.id}`,
      headers: adminHeaders,
      payload: { status: 'suspended' },
    });
    expect(suspended.statusCode).toBe(200);

    await eventually(async () => expect(await statusOn(pods.b, tenant)).toBe(401));
  });

  it('forgets every reused key when its announcements may have been missed', async () => {
    const tenant = await createTenant(pods.a);
    expect(await statusOn(pods.b, tenant)).toBe(200);
    const broadcasts = pods.b.get(RedisBroadcasts);

    // Cut pod B's subscription (its connection only); it reconnects by itself.
    const silenced = new Promise<void>((resolve) => broadcasts.onSilence(resolve));
    const subscriber = (broadcasts as unknown as { subscriber: Redis }).subscriber;
    const address = `${subscriber.stream.localAddress}:${subscriber.stream.localPort}`;
    await pods.a.get<Redis>(REDIS).client('KILL', 'ADDR', address);
    await silenced;
    await eventually(() => Promise.resolve(expect(broadcasts.listening).toBe(true)));
    // Revoked behind every pod's back (no announcement): only a pod that kept nothing sees it.
    await pods.a
      .get(DataSource)
      .query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [tenant.apiKeyId]);

    expect(await statusOn(pods.b, tenant)).toBe(401);
  });
});
