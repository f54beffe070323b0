import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AlertRaiser } from '@core/alerts/alert-raiser';
import { PlatformError } from '@core/errors/platform-error';
import { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import { hmacSha256 } from '@core/crypto/hmac';
import { newId } from '@core/database/ids';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { AlertReceiversFake } from '@test/fakes/alert-receivers/alert-receivers';
import { eventually } from '@test/support/eventually';
import { adminHeaders, createTenant, TestTenant } from '@test/support/test-app';
import { createAlertsTestApp } from './alerts-harness';

interface AlertView {
  id: string;
  tenantId: string | null;
  type: string;
  status: string;
}

/** A tenant's alerts about its own accounts go to its own channels, and to no one else's. */
describe('Tenant alerts', () => {
  let receivers: AlertReceiversFake;
  let app: NestFastifyApplication;
  let tenant: TestTenant;
  let other: TestTenant;
  let opsSlack: string;

  beforeAll(async () => {
    receivers = await AlertReceiversFake.start();
    opsSlack = receivers.slackHook('ops-tenant-suite');
    app = await createAlertsTestApp({
      ALERTS_SLACK_WEBHOOK_URL: opsSlack,
      CIRCUIT_WHATSAPP_FAILURE_THRESHOLD: '2',
      CIRCUIT_BITRIX_FAILURE_THRESHOLD: '2',
      CIRCUIT_CALENDAR_FAILURE_THRESHOLD: '2',
      // Long enough that no circuit half-opens on its own during the suite.
      CIRCUIT_WHATSAPP_HALF_OPEN_AFTER_MS: '600000',
      CIRCUIT_BITRIX_HALF_OPEN_AFTER_MS: '600000',
      CIRCUIT_CALENDAR_HALF_OPEN_AFTER_MS: '600000',
    });
    tenant = await createTenant(app);
    other = await createTenant(app);
  });

  afterAll(async () => {
    await app?.close();
    await receivers.close();
  });

  const addChannel = async (who: TestTenant, payload: Record<string, unknown>) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v2/hub/alert-channels',
      headers: who.headers,
      payload,
    });
    expect(response.statusCode).toBe(201);
    return response.json<{ id: string; urlHint: string; secret?: string }>();
  };

  const alertsSeenBy = async (headers: Record<string, string>, query = '') => {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v2/hub/alerts${query}`,
      headers,
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ items: AlertView[] }>().items;
  };

  const newAccount = async (who: TestTenant): Promise<string> => {
    const id = newId();
    await app.get(DataSource).query(
      `INSERT INTO channel_accounts (id, tenant_id, hub, provider, name, external_id, credentials)
         VALUES ($1, $2, 'whatsapp', 'alerts-test', $3, $3, 'unused')`, // not 'evolution': the session check of other suites would open it
      [id, who.id, `line-${id}`],
    );
    return id;
  };

  it("tells the tenant's own channel when an account needs re-auth, and when it is back", async () => {
    const ownDiscord = receivers.discordHook(`tenant-${tenant.id}`);
    const otherDiscord = receivers.discordHook(`tenant-${other.id}`);
    const channel = await addChannel(tenant, { kind: 'discord', name: 'Ops', url: ownDiscord });
    expect(channel.urlHint).toBe(`https://discord.receiver.test:${receivers.port}/…`);
    expect(JSON.stringify(channel)).not.toContain('-token');
    await addChannel(other, { kind: 'discord', name: 'Theirs', url: otherDiscord });
    const accountId = await newAccount(tenant);

    await app.get(ChannelAccountsService).setStatus(accountId, 'needs_reauth');

    await eventually(() => Promise.resolve(expect(receivers.at(ownDiscord)).toHaveLength(1)));
    expect(receivers.at(ownDiscord)[0].body).toMatchObject({
      content: expect.stringContaining(
        `whatsapp account "line-${accountId}" (alerts-test) needs to be re-authorised`,
      ),
      embeds: [
        expect.objectContaining({
          fields: expect.arrayContaining([{ name: 'accountId', value: accountId, inline: true }]),
        }),
      ],
    });
    const seen = await alertsSeenBy(tenant.headers);
    expect(seen).toEqual([
      expect.objectContaining({
        tenantId: tenant.id,
        type: 'account.needs_reauth',
        status: 'firing',
      }),
    ]);
    expect(await alertsSeenBy(other.headers)).toEqual([]);
    expect(await alertsSeenBy(adminHeaders, `?tenantId=${tenant.id}`)).toEqual(seen);

    await app.get(ChannelAccountsService).setStatus(accountId, 'active');

    await eventually(() => Promise.resolve(expect(receivers.at(ownDiscord)).toHaveLength(2)));
    expect(receivers.at(ownDiscord)[1].body).toMatchObject({
      content: expect.stringContaining('Resolved'),
    });
    expect(await alertsSeenBy(tenant.headers)).toEqual([
      expect.objectContaining({ type: 'account.needs_reauth', status: 'resolved' }),
    ]);
    // Neither the other tenant's channel nor the operator's global one heard a tenant alert.
    expect(receivers.at(otherDiscord)).toEqual([]);
    expect(receivers.at(opsSlack)).toEqual([]);
  });

  it("refuses a tenant's filter on another tenant's alerts", async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v2/hub/alerts?tenantId=${other.id}`,
      headers: tenant.headers,
    });
    expect(response.statusCode).toBe(400);
  });

  it('refuses a channel URL that is not public https', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v2/hub/alert-channels',
      headers: tenant.headers,
      payload: { kind: 'slack', name: 'Internal', url: 'https://10.0.0.5/hook' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ errors: [expect.objectContaining({ field: 'url' })] });
  });

  it('signs a webhook channel delivery so the tenant-webhook recipe verifies it', async () => {
    const hook = receivers.webhookHook(`signed-${tenant.id}`);
    const { secret } = await addChannel(tenant, { kind: 'webhook', name: 'CRM', url: hook });
    const subject = `bitrix/${newId()}`;

    await app.get(AlertRaiser).raise({
      type: 'token.refresh_failed',
      subject,
      tenantId: tenant.id,
      severity: 'critical',
      title: 'Bitrix24 token refresh failed',
    });

    await eventually(() => Promise.resolve(expect(receivers.at(hook)).toHaveLength(1)));
    const [delivery] = receivers.at(hook);
    const timestamp = String(delivery.headers['omnihub-alert-timestamp']);
    const expected = `v1=${hmacSha256(secret ?? '', `${timestamp}.${delivery.raw}`).toString('hex')}`;
    expect(delivery.headers['omnihub-alert-signature']).toBe(expected);
    expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(300);
    expect(delivery.body).toMatchObject({
      type: 'alert.firing',
      data: { type: 'token.refresh_failed', subject, tenantId: tenant.id, severity: 'critical' },
    });
  });

  it('shows a webhook channel its signing secret once and keeps it out of reads', async () => {
    const created = await addChannel(tenant, {
      kind: 'webhook',
      name: 'Pager',
      url: `https://slack.receiver.test:${receivers.port}/pager`,
      minSeverity: 'critical',
    });
    expect(created.secret).toMatch(/^whsec_/);
    const read = await app.inject({
      method: 'GET',
      url: `/api/v2/hub/alert-channels/${created.id}`,
      headers: tenant.headers,
    });
    expect(read.json()).toEqual(expect.not.objectContaining({ secret: expect.anything() }));
    const stranger = await app.inject({
      method: 'GET',
      url: `/api/v2/hub/alert-channels/${created.id}`,
      headers: other.headers,
    });
    expect(stranger.statusCode).toBe(404);
  });

  it('audits creating, changing and deleting a channel with its id only', async () => {
    const created = await addChannel(tenant, {
      kind: 'slack',
      name: 'Audited',
      url: `https://slack.receiver.test:${receivers.port}/audited`,
    });
    const changed = await app.inject({
      method: 'PATCH',
      url: `/api/v2/hub/alert-channels/${created.id}`,
      headers: tenant.headers,
      payload: { minSeverity: 'critical' },
    });
    expect(changed.statusCode).toBe(200);
    const deleted = await app.inject({
      method: 'DELETE',
      url: `/api/v2/hub/alert-channels/${created.id}`,
      headers: tenant.headers,
    });
    expect(deleted.statusCode).toBe(204);

    const rows = await app
      .get(DataSource)
      .query(
        `SELECT action, resource_type, actor_id FROM audit_log WHERE tenant_id = $1 AND resource_id = $2 ORDER BY seq`,
        [tenant.id, created.id],
      );
    expect(rows).toEqual(
      ['alert_channel.created', 'alert_channel.updated', 'alert_channel.deleted'].map((action) => ({
        action,
        resource_type: 'alert_channel',
        actor_id: tenant.apiKeyId,
      })),
    );
  });

  it("tells the owning tenant's channels and the operators' when its account's circuit opens, then the resolve", async () => {
    const ownSlack = receivers.slackHook(`circuit-own-${tenant.id}`);
    const otherSlack = receivers.slackHook(`circuit-other-${other.id}`);
    await addChannel(tenant, { kind: 'slack', name: 'Circuits', url: ownSlack });
    await addChannel(other, { kind: 'slack', name: 'Not theirs', url: otherSlack });
    const accountId = await newAccount(tenant);
    const key = { hub: 'whatsapp', provider: 'alerts-test', account: accountId };
    const subject = `whatsapp/alerts-test/${accountId}`;
    const breakers = app.get(CircuitBreakerRegistry);
    const failure = () =>
      Promise.reject(
        new PlatformError('whatsapp', 'send', 'server', 'Upstream 502', { status: 502 }),
      );
    for (let i = 0; i < 2; i++) await expect(breakers.execute(key, failure)).rejects.toThrow();
    expect(breakers.state(key)).toBe('open');

    const about = (url: string) =>
      receivers.at(url).filter((r) => JSON.stringify(r.body).includes(accountId));
    await eventually(() =>
      Promise.resolve(expect(about(ownSlack)).toHaveLength(1)).then(() =>
        expect(about(opsSlack)).toHaveLength(1),
      ),
    );
    expect(about(ownSlack)[0].body).toMatchObject({
      text: expect.stringContaining(`Circuit ${subject} opened`),
    });
    expect(await alertsSeenBy(tenant.headers, '?type=circuit.open')).toEqual([
      expect.objectContaining({ tenantId: tenant.id, status: 'firing' }),
    ]);
    expect(await alertsSeenBy(other.headers, '?type=circuit.open')).toEqual([]);

    await breakers.reset(key);

    await eventually(() =>
      Promise.resolve(expect(about(ownSlack)).toHaveLength(2)).then(() =>
        expect(about(opsSlack)).toHaveLength(2),
      ),
    );
    expect(about(ownSlack)[1].body).toMatchObject({
      text: expect.stringContaining(`Resolved: Circuit ${subject} opened`),
    });
    expect(await alertsSeenBy(tenant.headers, '?type=circuit.open')).toEqual([
      expect.objectContaining({ tenantId: tenant.id, status: 'resolved' }),
    ]);
    expect(receivers.at(otherSlack)).toEqual([]);
  });

  /**
   * Breakers keyed by a platform module's own resource, not a channel account: the module's
   * @CircuitOwner() resolver names the tenant. The rows are inserted as the modules store
   * them, not connected (no token), so no background task of the app calls out for them.
   */
  const platformCircuits: {
    hub: string;
    provider: string;
    insert: (tenantId: string, id: string) => Promise<unknown>;
  }[] = [
    {
      hub: 'bitrix',
      provider: 'bitrix24',
      insert: (tenantId, id) =>
        app
          .get(DataSource)
          .query(
            `INSERT INTO bitrix_portals (id, tenant_id, name, portal_url) VALUES ($1, $2, 'CRM', $3)`,
            [id, tenantId, `https://portal-${id}.bitrix24.com.br`],
          ),
    },
    {
      hub: 'calendar',
      provider: 'google',
      insert: (tenantId, id) =>
        app.get(DataSource).query(
          `INSERT INTO calendar_connections (id, tenant_id, google_account, scopes, status, refresh_token)
           VALUES ($1, $2, 'agenda@example.com', '{}', 'needs_reauth', 'unused')`,
          [id, tenantId],
        ),
    },
  ];

  it.each(platformCircuits)(
    "tells the owning tenant's channel and the operators' once when a $hub circuit opens, then the resolve",
    async ({ hub, provider, insert }) => {
      const owner = await createTenant(app);
      const ownSlack = receivers.slackHook(`${hub}-circuit-own-${owner.id}`);
      const otherSlack = receivers.slackHook(`${hub}-circuit-other-${other.id}`);
      await addChannel(owner, { kind: 'slack', name: 'Circuits', url: ownSlack });
      await addChannel(other, { kind: 'slack', name: 'Not theirs', url: otherSlack });
      const resourceId = newId();
      await insert(owner.id, resourceId);
      const key = { hub, provider, account: resourceId };
      const subject = `${hub}/${provider}/${resourceId}`;
      const breakers = app.get(CircuitBreakerRegistry);
      const failure = () =>
        Promise.reject(new PlatformError(hub, 'call', 'server', 'Upstream 503', { status: 503 }));
      // More failures than the threshold: the open circuit refuses the rest, no second alert.
      for (let i = 0; i < 4; i++) await expect(breakers.execute(key, failure)).rejects.toThrow();
      expect(breakers.state(key)).toBe('open');

      const about = (url: string) =>
        receivers.at(url).filter((r) => JSON.stringify(r.body).includes(resourceId));
      await eventually(() =>
        Promise.resolve(expect(about(ownSlack)).toHaveLength(1)).then(() =>
          expect(about(opsSlack)).toHaveLength(1),
        ),
      );
      expect(about(ownSlack)[0].body).toMatchObject({
        text: expect.stringContaining(`Circuit ${subject} opened`),
      });
      expect(await alertsSeenBy(owner.headers, '?type=circuit.open')).toEqual([
        expect.objectContaining({ tenantId: owner.id, status: 'firing' }),
      ]);
      expect(
        (await alertsSeenBy(other.headers, '?type=circuit.open')).filter(
          (alert) => alert.tenantId === owner.id,
        ),
      ).toEqual([]);

      await breakers.reset(key);

      await eventually(() =>
        Promise.resolve(expect(about(ownSlack)).toHaveLength(2)).then(() =>
          expect(about(opsSlack)).toHaveLength(2),
        ),
      );
      expect(about(ownSlack)[1].body).toMatchObject({
        text: expect.stringContaining(`Resolved: Circuit ${subject} opened`),
      });
      expect(await alertsSeenBy(owner.headers, '?type=circuit.open')).toEqual([
        expect.objectContaining({ tenantId: owner.id, status: 'resolved' }),
      ]);
      expect(receivers.at(otherSlack)).toEqual([]);
    },
  );
});
