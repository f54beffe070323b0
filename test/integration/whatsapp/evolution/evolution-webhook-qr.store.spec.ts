import { Test, TestingModule } from '@nestjs/testing';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { ConfigModule } from '@config/config.module';
import { REDIS, RedisModule } from '@core/redis/redis.module';
import {
  EVOLUTION_QR_TTL_SECONDS,
  EvolutionQrStore,
} from '@app/whatsapp/evolution/evolution-webhook-qr.store';
import { testConfig } from '@test/support/test-app';

describe('EvolutionQrStore', () => {
  let moduleRef: TestingModule;
  let store: EvolutionQrStore;
  let redis: Redis;
  const prefix = `${process.env.QUEUE_PREFIX}qr-${randomUUID()}`;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forConfig(testConfig({ QUEUE_PREFIX: prefix })), RedisModule],
      providers: [EvolutionQrStore],
    }).compile();
    store = moduleRef.get(EvolutionQrStore);
    redis = moduleRef.get(REDIS);
  });

  afterAll(async () => {
    await moduleRef?.close();
  });

  it('keeps the latest code per account under the prefix, expiring after two minutes', async () => {
    const accountId = randomUUID();
    await store.save(accountId, { code: '2@first', receivedAt: '2025-06-08T21:39:50.000Z' });
    await store.save(accountId, {
      base64: 'data:image/png;base64,iVBORw0KGgo=',
      code: '2@second',
      receivedAt: '2025-06-08T21:40:10.000Z',
    });
    expect(await store.latest(accountId)).toEqual({
      base64: 'data:image/png;base64,iVBORw0KGgo=',
      code: '2@second',
      receivedAt: '2025-06-08T21:40:10.000Z',
    });
    const ttl = await redis.ttl(`${prefix}:evolution:qr:${accountId}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(EVOLUTION_QR_TTL_SECONDS);
    expect(await store.latest(randomUUID())).toBeNull();
  });

  it('forgets the code when cleared', async () => {
    const accountId = randomUUID();
    await store.save(accountId, { pairingCode: 'WZYEH1YY', receivedAt: new Date().toISOString() });
    await store.clear(accountId);
    expect(await store.latest(accountId)).toBeNull();
  });
});
