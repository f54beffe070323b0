import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { newId } from '@core/database/ids';
import { PlatformError } from '@core/errors/platform-error';
import type { BreakerKey } from '@core/resilience/breaker-key';
import { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import { AlertReceiversFake } from '@test/fakes/alert-receivers/alert-receivers';
import { eventually } from '@test/support/eventually';
import { adminHeaders, metricsHeaders } from '@test/support/test-app';
import { createAlertsTestApp } from './alerts-harness';

const serverError = () =>
  new PlatformError('whatsapp', 'send', 'server', 'Upstream answered 502', { status: 502 });

interface AlertView {
  id: string;
  type: string;
  subject: string;
  status: string;
  occurrences: number;
  notified: boolean;
}

/**
 * Two pods (two full apps, same PostgreSQL, Redis and queue prefix) whose breakers for the same
 * provider account both open: the operator's Slack and Discord hear it once, then the resolve.
 */
describe('Circuit alerts across pods', () => {
  let receivers: AlertReceiversFake;
  let podA: NestFastifyApplication;
  let podB: NestFastifyApplication;
  let slack: string;
  let discord: string;

  beforeAll(async () => {
    receivers = await AlertReceiversFake.start();
    slack = receivers.slackHook('ops');
    discord = receivers.discordHook('ops');
    const env = {
      ALERTS_SLACK_WEBHOOK_URL: slack,
      ALERTS_DISCORD_WEBHOOK_URL: discord,
      CIRCUIT_WHATSAPP_FAILURE_THRESHOLD: '2',
      // Long enough that no circuit half-opens on its own during the test.
      CIRCUIT_WHATSAPP_HALF_OPEN_AFTER_MS: '600000',
    };
    podA = await createAlertsTestApp(env);
    podB = await createAlertsTestApp(env);
  });

  afterAll(async () => {
    await podA?.close();
    await podB?.close();
    await receivers.close();
  });

  const open = async (pod: NestFastifyApplication, key: BreakerKey) => {
    const breakers = pod.get(CircuitBreakerRegistry);
    for (let i = 0; i < 2; i++) {
      await expect(breakers.execute(key, () => Promise.reject(serverError()))).rejects.toThrow();
    }
    expect(breakers.state(key)).toBe('open');
  };

  const history = async (subject: string): Promise<AlertView[]> => {
    const response = await podB.inject({
      method: 'GET',
      url: '/api/v2/hub/alerts?type=circuit.open',
      headers: adminHeaders,
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ items: AlertView[] }>().items.filter((a) => a.subject === subject);
  };

  const messages = (url: string, marker: string) =>
    receivers.at(url).filter((r) => JSON.stringify(r.body).includes(marker));

  it('announces an opened circuit once to Slack and Discord, then its resolution', async () => {
    const account = newId();
    const key = { hub: 'whatsapp', provider: 'meta-cloud', account };
    const subject = `whatsapp/meta-cloud/${account}`;

    await open(podA, key);
    await open(podB, key);

    // Both pods raised it; the second raise only counted on the one firing entry.
    await eventually(async () =>
      expect(await history(subject)).toEqual([
        expect.objectContaining({ status: 'firing', occurrences: 2, notified: true }),
      ]),
    );
    await eventually(() =>
      Promise.resolve(expect(messages(slack, account)).toHaveLength(1)).then(() =>
        expect(messages(discord, account)).toHaveLength(1),
      ),
    );
    const [toSlack] = messages(slack, account);
    expect(toSlack.answered).toBe(200);
    expect(toSlack.body).toMatchObject({
      text: expect.stringContaining(`Circuit ${subject} opened`),
      blocks: expect.arrayContaining([expect.objectContaining({ type: 'header' })]),
    });
    const [toDiscord] = messages(discord, account);
    expect(toDiscord.answered).toBe(204);
    expect(toDiscord.body).toMatchObject({
      content: expect.stringContaining('[CRITICAL]'),
      allowed_mentions: { parse: [] },
      embeds: [expect.objectContaining({ title: `Circuit ${subject} opened` })],
    });

    // The reset reaches pod B too; only the first close resolves, so one message each.
    await podA.get(CircuitBreakerRegistry).reset(key);
    await eventually(async () => {
      expect(podB.get(CircuitBreakerRegistry).state(key)).toBe('closed');
      expect(await history(subject)).toEqual([expect.objectContaining({ status: 'resolved' })]);
      expect(messages(slack, account)).toHaveLength(2);
      expect(messages(discord, account)).toHaveLength(2);
    });
    expect(messages(slack, account)[1].body).toMatchObject({
      text: expect.stringContaining(`Resolved: Circuit ${subject} opened`),
    });
    expect(messages(discord, account)[1].body).toMatchObject({
      content: expect.stringContaining('Resolved'),
    });

    const metrics = await podA.inject({ method: 'GET', url: '/metrics', headers: metricsHeaders });
    expect(metrics.body).toMatch(/alerts_total\{type="circuit.open",severity="critical"\} [1-9]/);
    expect(metrics.body).toMatch(
      /alert_deliveries_total\{channel="log",outcome="delivered"\} [1-9]/,
    );
  });
});
