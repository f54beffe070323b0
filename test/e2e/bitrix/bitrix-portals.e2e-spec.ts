import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { MirrorFlusher } from '@app/bitrix/mirror/mirror.flusher';
import { QueueName } from '@core/queue/queue-names';
import { BitrixRestClient } from '@app/bitrix/rest/bitrix-rest.client';
import { agentMessageEvent } from '@test/fakes/bitrix/events';
import { metaMessages, metaMessagesWebhook, newWamid } from '@test/fakes/meta-graph/webhooks';
import { BitrixScenario, startBitrixScenario, until } from '@test/support/bitrix-scenario';
import { eventually } from '@test/support/eventually';
import { createTenant } from '@test/support/test-app';

const CUSTOMER = '5511987650002';

describe('Bitrix24 portals, tokens and limits', () => {
  let s: BitrixScenario;

  beforeAll(async () => {
    s = await startBitrixScenario();
  });
  afterAll(() => s.close());

  it('lists, renames and hides a portal from other tenants', async () => {
    const list = await s.app.inject({ url: '/api/v2/bitrix/portals', headers: s.tenant.headers });
    expect(list.json()).toEqual([
      expect.objectContaining({ id: s.portalId, name: 'acme', status: 'active' }),
    ]);
    const renamed = await s.app.inject({
      method: 'PATCH',
      url: `/api/v2/bitrix/portals/${s.portalId}`,
      headers: s.tenant.headers,
      payload: { name: 'acme-main' },
    });
    expect(renamed.json()).toMatchObject({ name: 'acme-main', hasOwnClientSecret: false });
    const other = await createTenant(s.app);
    for (const url of [
      `/api/v2/bitrix/portals/${s.portalId}`,
      `/api/v2/bitrix/portals/${s.portalId}/status`,
    ]) {
      expect((await s.app.inject({ url, headers: other.headers })).statusCode).toBe(404);
    }
  });

  it('mirrors a burst of 100 customer messages with no 503 and at least 10 messages per request', async () => {
    const portal = s.bitrix.portal('acme');
    const before = portal.messages.length;
    const callsBefore = s.bitrix.calls.length;
    const messages = Array.from({ length: 100 }, (_, i) =>
      metaMessages.text({ from: CUSTOMER, id: newWamid() }, `burst ${i}`),
    );
    // The burst is all recorded before any flush runs, whatever the machine's speed: how the
    // flush carries what is waiting is under test here, not how fast the stream delivers (the
    // mirror benchmark times that).
    const queue = s.app.get<Queue>(getQueueToken(QueueName.Bitrix));
    await queue.pause();
    try {
      const response = await s.webhook(
        metaMessagesWebhook(s.number, { waId: CUSTOMER, name: 'Joana' }, ...messages),
      );
      expect(response.statusCode).toBe(200);
      await eventually(async () => {
        const [row] = await s.db.query(
          `SELECT count(*)::int AS n FROM bitrix_mirror_items WHERE portal_id = $1 AND sent_at IS NULL`,
          [s.portalId],
        );
        expect(row.n).toBe(100);
      });
    } finally {
      await queue.resume();
    }
    await until(() => portal.messages.length - before >= 100, 'burst not mirrored');
    const mirrored = portal.messages.slice(before);
    expect(mirrored.map((m) => m.text)).toEqual(messages.map((_, i) => `burst ${i}`));
    expect(s.bitrix.limited).toBe(0);
    const sendRequests = new Set(
      s.bitrix.calls
        .slice(callsBefore)
        .filter((c) => c.method === 'imconnector.send.messages')
        .map((c) => c.request),
    );
    expect(100 / sendRequests.size).toBeGreaterThanOrEqual(10);
    expect(portal.contacts.filter((c) => c.phones.some((p) => p.endsWith(CUSTOMER)))).toHaveLength(
      1,
    );
  });

  it('refreshes an expired token once for ten concurrent callers', async () => {
    const rest = s.app.get(BitrixRestClient);
    s.bitrix.expireAccessTokens('acme');
    const grantsBefore = s.bitrix.grants.length;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => rest.call(s.portalId, 'app.info')),
    );
    expect(answers).toHaveLength(10);
    const grants = s.bitrix.grants.slice(grantsBefore);
    expect(grants).toEqual([{ grantType: 'refresh_token', portal: 'acme', outcome: 'ok' }]);
  });

  it('tells the agent in the chat when the 24-hour window is closed, and sends nothing', async () => {
    const portal = s.bitrix.portal('acme');
    const line = portal.messages.find((m) => m.text?.startsWith('burst'))!;
    await s.db.query(
      `UPDATE conversations SET last_inbound_at = now() - interval '2 days' WHERE id = $1`,
      [line.externalChatId],
    );
    const sendsBefore = s.graph.sent().length;
    const event = agentMessageEvent(
      line,
      { imMessageId: 880001, text: 'Oi?' },
      s.bitrix.authOf('acme'),
    );
    expect((await s.event(event)).statusCode).toBe(200);
    const note = await until(
      () => portal.systemMessages.find((m) => m.dialogId === `chat${line.chatId}`),
      'no system note',
    );
    expect(note.message).toMatch(/24 hours/);
    expect(s.graph.sent()).toHaveLength(sendsBefore);
  });

  it('marks the portal needs_reauth when Bitrix24 refuses the refresh token', async () => {
    const rest = s.app.get(BitrixRestClient);
    s.bitrix.portal('acme').refreshToken = 'rotated-elsewhere';
    s.bitrix.expireAccessTokens('acme');
    await expect(rest.call(s.portalId, 'app.info')).rejects.toMatchObject({
      code: 'BITRIX.NEEDS_REAUTH',
    });
    const status = await s.app.inject({
      url: `/api/v2/bitrix/portals/${s.portalId}/status`,
      headers: s.tenant.headers,
    });
    expect(status.json()).toMatchObject({
      status: 'needs_reauth',
      connector: 'registered',
      activeLines: 1,
      breaker: 'closed',
      queueDepth: 0,
    });
    const alerts = () =>
      s.db.query(`SELECT type, subject, status FROM alerts WHERE tenant_id = $1`, [s.tenant.id]);
    expect(await alerts()).toEqual([
      { type: 'token.refresh_failed', subject: `bitrix/bitrix24/${s.portalId}`, status: 'firing' },
    ]);

    const deleted = await s.app.inject({
      method: 'DELETE',
      url: `/api/v2/bitrix/portals/${s.portalId}`,
      headers: s.tenant.headers,
    });
    expect(deleted.statusCode).toBe(204);
    expect(await alerts()).toEqual([expect.objectContaining({ status: 'resolved' })]);
    const audited = await s.db.query(
      `SELECT action, actor_kind, actor_id FROM audit_log
        WHERE tenant_id = $1 AND resource_type = 'bitrix_portal' AND resource_id = $2 ORDER BY seq`,
      [s.tenant.id, s.portalId],
    );
    expect(audited).toEqual([
      { action: 'bitrix_portal.created', actor_kind: 'api_key', actor_id: s.tenant.apiKeyId },
      { action: 'bitrix_portal.installed', actor_kind: 'platform', actor_id: 'bitrix24' },
      { action: 'bitrix_portal.deleted', actor_kind: 'api_key', actor_id: s.tenant.apiKeyId },
    ]);
  });
});

describe('Bitrix24 mirror re-runs', () => {
  let s: BitrixScenario;

  beforeAll(async () => {
    s = await startBitrixScenario();
  });
  afterAll(() => s.close());

  it('posts nothing twice when the mirror runs again or the customer message is redelivered', async () => {
    const portal = s.bitrix.portal('acme');
    const wamid = await s.customerWrites(CUSTOMER, 'Uma vez só', 'Joana');
    await until(() => portal.messages.length === 1, 'not mirrored');
    // The scheduled flush may still hold the portal's lock: run again until this run is done.
    await eventually(async () => {
      const decision = await s.app.get(MirrorFlusher).flush(s.portalId);
      if (decision.kind !== 'done') throw new Error('flush still running elsewhere');
    });
    expect(portal.messages).toHaveLength(1);
    const again = await s.webhook(
      metaMessagesWebhook(
        s.number,
        { waId: CUSTOMER, name: 'Joana' },
        metaMessages.text({ from: CUSTOMER, id: wamid }, 'Uma vez só'),
      ),
    );
    expect(again.statusCode).toBe(200);
    await s.customerWrites(CUSTOMER, 'Segunda', 'Joana');
    await until(() => portal.messages.length >= 2, 'second not mirrored');
    expect(portal.messages.map((m) => m.text)).toEqual(['Uma vez só', 'Segunda']);
  });
});
