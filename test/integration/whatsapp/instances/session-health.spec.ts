import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { Counter, Gauge, register } from 'prom-client';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { SessionClock } from '@app/whatsapp/instances/session-clock';
import { SessionHealthChecker } from '@app/whatsapp/instances/session-health.checker';
import {
  WHATSAPP_INSTANCES_DISCONNECTED,
  WHATSAPP_INSTANCE_DISCONNECTS_TOTAL,
} from '@app/whatsapp/instances/session-health.metrics';
import { EvolutionFake, startEvolutionFake } from '@test/fakes/evolution/evolution-fake';
import { DataSource } from 'typeorm';
import { createTenant, createTestApp } from '@test/support/test-app';

const GLOBAL_KEY = 'SESSION-HEALTH-GLOBAL-KEY-0001';
const INTERVAL_MS = 600_000;

async function metricValue(name: string): Promise<number> {
  const metric = register.getSingleMetric(name) as Gauge | Counter | undefined;
  return (await metric?.get())?.values[0]?.value ?? 0;
}

// Other suites of the same run may hold Evolution accounts too (the check covers every
// tenant), so counts are asserted against this pass's own report, and this account by id.
describe('Evolution session health check', () => {
  let app: NestFastifyApplication;
  let fake: EvolutionFake;
  let checker: SessionHealthChecker;
  let accounts: ChannelAccountsService;
  let accountId: string;
  const instance = { name: `oh-session-${randomUUID()}`, token: randomUUID() };

  const connectCalls = () =>
    fake.requests.filter((r) => r.path === `/instance/connect/${instance.name}`).length;
  let tenantId: string;
  const status = async () => (await accounts.get(tenantId, accountId)).status;

  beforeAll(async () => {
    fake = await startEvolutionFake({ globalApiKey: GLOBAL_KEY, instances: [instance] });
    // APP_ROLE api: the poller's timer stays off; the test runs each pass itself.
    app = await createTestApp({
      APP_ROLE: 'api',
      EVOLUTION_SESSION_CHECK_INTERVAL_MS: String(INTERVAL_MS),
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}evo-session-${randomUUID()}`,
    });
    checker = app.get(SessionHealthChecker);
    accounts = app.get(ChannelAccountsService);
    tenantId = (await createTenant(app)).id;
    accountId = (
      await accounts.create(tenantId, {
        hub: 'whatsapp',
        provider: 'evolution',
        name: 'loja',
        externalId: instance.name,
        credentials: { baseUrl: fake.baseUrl, apiKey: instance.token },
      })
    ).id;
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it('marks a closed instance disconnected, counts it and tries to reconnect it once', async () => {
    fake.setState(instance.name, 'close');
    const report = await checker.checkOnce();

    expect(await status()).toBe('disconnected');
    expect(report.disconnected).toBeGreaterThanOrEqual(1);
    expect(await metricValue(WHATSAPP_INSTANCES_DISCONNECTED)).toBe(report.disconnected);
    expect(await metricValue(WHATSAPP_INSTANCE_DISCONNECTS_TOTAL)).toBe(1);
    expect(connectCalls()).toBe(1);
  });

  it('waits for the backoff before trying to reconnect again', async () => {
    fake.setState(instance.name, 'close');
    await checker.checkOnce();
    expect(connectCalls()).toBe(1);
    expect(await metricValue(WHATSAPP_INSTANCE_DISCONNECTS_TOTAL)).toBe(1);

    const clock = app.get(SessionClock);
    const later = Date.now() + INTERVAL_MS + 1;
    jest.spyOn(clock, 'now').mockReturnValue(later);
    await checker.checkOnce();
    expect(connectCalls()).toBe(2);
    // The second failure doubles the wait: one more interval is not enough.
    jest.spyOn(clock, 'now').mockReturnValue(later + INTERVAL_MS + 1);
    fake.setState(instance.name, 'close');
    await checker.checkOnce();
    expect(connectCalls()).toBe(2);
  });

  it('marks the instance active again once Evolution reports it open', async () => {
    const before = await checker.checkOnce();
    fake.setState(instance.name, 'open');
    const after = await checker.checkOnce();

    expect(await status()).toBe('active');
    expect(after.disconnected).toBe(before.disconnected - 1);
    expect(await metricValue(WHATSAPP_INSTANCES_DISCONNECTED)).toBe(after.disconnected);
  });

  it('skips an account whose credentials cannot be opened and still checks the others', async () => {
    const broken = await accounts.create(tenantId, {
      hub: 'whatsapp',
      provider: 'evolution',
      name: 'broken',
      externalId: `oh-broken-${randomUUID()}`,
      credentials: { baseUrl: fake.baseUrl, apiKey: randomUUID() },
    });
    // A ciphertext this key ring cannot open (a rotated-away key, a damaged row).
    await app
      .get(DataSource)
      .query(`UPDATE channel_accounts SET credentials = 'v1:not-a-sealed-box' WHERE id = $1`, [
        broken.id,
      ]);
    fake.setState(instance.name, 'close');

    const report = await checker.checkOnce();

    expect(report.skipped).toBeGreaterThanOrEqual(1);
    expect(await status()).toBe('disconnected');
    expect((await accounts.get(tenantId, broken.id)).status).toBe('active');
    await app.get(DataSource).query('DELETE FROM channel_accounts WHERE id = $1', [broken.id]);
  });
});
