import { Injectable, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AlertRaiser } from '@core/alerts/alert-raiser';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import {
  ChannelCredentials,
  textField,
  unusableCredential,
} from '@core/channel/channel-credentials';
import type { MessagingProvider } from '@core/channel/channel-provider';
import type { HubHealth } from '@core/channel/hub-health';
import type { MessagingRules } from '@core/channel/messaging-rules';
import type { ContentKind, OutboundMessage, SendResult } from '@core/channel/outbound-message';
import { RegisterChannelProvider } from '@core/channel/register-channel-provider.decorator';
import { newId } from '@core/database/ids';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { AlertReceiversFake } from '@test/fakes/alert-receivers/alert-receivers';
import { eventually } from '@test/support/eventually';
import { createTenant, TestTenant } from '@test/support/test-app';
import { createAlertsTestApp } from './alerts-harness';

/** A platform that always accepts at once: what is measured here is Omnihub, not a platform. */
const RULES: MessagingRules = {
  identityKinds: ['alertchat_handle'],
  recipientIdentities: (to) => [{ type: 'alertchat_handle', value: to }],
  contentViolations: () => [],
  fallbackClassOf: () => 'service',
};
const CREDENTIALS: ChannelCredentials<{ token: string }> = {
  parse(raw, account) {
    const token = textField(raw, 'token');
    if (!token) throw unusableCredential(account, 'auth', 'alertchat token');
    return { token };
  },
};

@Injectable()
@RegisterChannelProvider()
class AlertChatProvider implements MessagingProvider<{ token: string }> {
  readonly hub = 'alertchat';
  readonly provider = 'alertchat-api';
  readonly credentials = CREDENTIALS;
  readonly capabilities: ReadonlySet<ContentKind> = new Set<ContentKind>(['text']);
  readonly rules = RULES;

  checkHealth(): Promise<HubHealth> {
    return Promise.resolve({ status: 'up', detail: 'alertchat', checkedAt: new Date() });
  }

  send(
    _account: ChannelAccountRef<{ token: string }>,
    message: OutboundMessage,
  ): Promise<SendResult> {
    return Promise.resolve({ providerMessageId: `ac.${message.id}`, acceptedAt: new Date() });
  }
}

@Module({ providers: [AlertChatProvider] })
class AlertChatModule {}

/** Alert channels that hang, fail or throttle never hold up the work that raised the alert. */
describe('Failing alert channels', () => {
  let receivers: AlertReceiversFake;
  let app: NestFastifyApplication;
  let tenant: TestTenant;
  let hangingSlack: string;
  let failingDiscord: string;

  beforeAll(async () => {
    receivers = await AlertReceiversFake.start();
    hangingSlack = receivers.slackHook('hangs', ['hang']);
    failingDiscord = receivers.discordHook('fails', [500]);
    app = await createAlertsTestApp(
      {
        // Its own queues: other suites' workers do not know the alertchat provider.
        QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}alertchat-${newId()}`,
        ALERTS_SLACK_WEBHOOK_URL: hangingSlack,
        ALERTS_DISCORD_WEBHOOK_URL: failingDiscord,
        // The hanging call holds its worker slot for the whole test.
        ALERTS_TIMEOUT_MS: '15000',
      },
      [AlertChatModule],
    );
    tenant = await createTenant(app);
    await app.get(ChannelAccountsService).create(tenant.id, {
      hub: 'alertchat',
      provider: 'alertchat-api',
      name: 'alertchat-line',
      externalId: `bot-${newId()}`,
      credentials: { token: 't' },
    });
  });

  afterAll(async () => {
    // The receivers first: the hanging delivery then ends, and its worker can stop at once.
    await receivers.close();
    await app?.close();
  });

  const statusOf = async (id: string) =>
    (
      await app
        .get(DataSource)
        .query<{ status: string }[]>(`SELECT status FROM messages WHERE id = $1`, [id])
    )[0]?.status;

  it('sends complete while the alert endpoints hang or answer 500', async () => {
    const subject = `queue/test-${newId()}`;
    const outcome = await app.get(AlertRaiser).raise({
      type: 'queue.backlog',
      subject,
      severity: 'warning',
      title: `Backlog on ${subject}`,
    });
    expect(outcome).toBe('raised');
    // Only this alert's deliveries: the alert history is shared with the suites run before,
    // whose still-firing hub alerts this app's checks may resolve to the same global channels.
    const ours = (url: string) =>
      receivers.at(url).filter((r) => JSON.stringify(r.body).includes(subject));
    await eventually(() =>
      Promise.resolve(expect(ours(hangingSlack).map((r) => r.answered)).toEqual(['hang'])).then(
        () => expect(ours(failingDiscord).map((r) => r.answered)).toContain(500),
      ),
    );

    const response = await app.inject({
      method: 'POST',
      url: '/api/v2/messages',
      headers: tenant.headers,
      payload: {
        channelAccountId: 'alertchat-line',
        to: 'ana',
        type: 'text',
        text: { body: 'Oi' },
      },
    });
    expect(response.statusCode).toBe(202);
    const { id } = response.json<{ id: string }>();
    await eventually(async () => expect(await statusOf(id)).toBe('sent'));

    // Sent while the Slack delivery was still waiting for an answer.
    expect(receivers.hangingCount).toBeGreaterThan(0);
    expect(ours(hangingSlack)).toHaveLength(1);
    // Left firing, it would show in the next suites' alert history.
    await app.get(AlertRaiser).resolve({ type: 'queue.backlog', subject });
  });

  it("waits Discord's retry_after before delivering again", async () => {
    const other = await createTenant(app);
    const throttled = receivers.discordHook(`throttled-${other.id}`, [
      { rateLimitedFor: 2.5 },
      'ok',
    ]);
    const created = await app.inject({
      method: 'POST',
      url: '/api/v2/hub/alert-channels',
      headers: other.headers,
      payload: { kind: 'discord', name: 'Ops', url: throttled },
    });
    expect(created.statusCode).toBe(201);

    await app.get(AlertRaiser).raise({
      type: 'token.refresh_failed',
      subject: `calendar/${newId()}`,
      tenantId: other.id,
      severity: 'warning',
      title: 'Google token refresh failed',
    });

    await eventually(() => Promise.resolve(expect(receivers.at(throttled)).toHaveLength(2)));
    const [first, second] = receivers.at(throttled);
    expect([first.answered, second.answered]).toEqual([429, 204]);
    expect(second.at - first.at).toBeGreaterThanOrEqual(2_400);
  });
});
