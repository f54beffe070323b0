import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { QueueName } from '@core/queue/queue-names';
import { EvolutionFake, startEvolutionFake } from '@test/fakes/evolution/evolution-fake';
import { CloudApiScenario, startCloudApiScenario } from '@test/support/cloud-api-scenario';
import { eventually } from '@test/support/eventually';

const INSTANCE = { name: 'oh-lifecycle-line', token: 'evolution-instance-token-lifecycle' };
const PROBLEM_JSON = /^application\/problem\+json/;

/**
 * PATCH and DELETE /api/v2/channel-accounts/:idOrName, the same for every channel: a Cloud API
 * number connected through its route and an Evolution instance against their fakes.
 */
describe('Switching channel accounts off and on, and deleting them', () => {
  let scenario: CloudApiScenario;
  let evolution: EvolutionFake;
  let evolutionAccountId: string;

  beforeAll(async () => {
    evolution = await startEvolutionFake({
      globalApiKey: 'evolution-global-key',
      instances: [{ ...INSTANCE, state: 'open' }],
    });
    scenario = await startCloudApiScenario({ accountName: 'oficial' });
    const created = await scenario.app.get(ChannelAccountsService).create(scenario.tenant.id, {
      hub: 'whatsapp',
      provider: 'evolution',
      name: 'backup',
      externalId: INSTANCE.name,
      credentials: { baseUrl: evolution.baseUrl, apiKey: INSTANCE.token },
    });
    evolutionAccountId = created.id;
  });

  afterAll(async () => {
    await scenario?.close();
    await evolution?.close();
  });

  const call = (method: 'GET' | 'PATCH' | 'DELETE' | 'PUT', url: string, payload?: object) =>
    scenario.app.inject({
      method,
      url: `/api/v2/channel-accounts${url}`,
      headers: scenario.tenant.headers,
      ...(payload ? { payload } : {}),
    });

  const send = (channelAccountId: string) =>
    scenario.app.inject({
      method: 'POST',
      url: '/api/v2/messages',
      headers: scenario.tenant.headers,
      // The customer who wrote in the second test: their 24-hour window is open.
      payload: { channelAccountId, to: '+5511987650002', type: 'text', text: { body: 'oi' } },
    });

  const accountEvents = (accountId: string) =>
    scenario.db.query<{ status: string }[]>(
      `SELECT status FROM domain_events
        WHERE type = 'account.status_changed' AND stream_id = $1 ORDER BY seq`,
      [accountId],
    );

  const message = async (id: string) =>
    (
      await scenario.db.query<{ status: string; error_code: string | null }[]>(
        `SELECT status, error_code FROM messages WHERE id = $1`,
        [id],
      )
    )[0];

  it('switches an account off: shown disabled, new sends 422, recorded once as account.status_changed', async () => {
    // A send just before reads the account for sends and keeps it a moment
    // (CHANNEL_ACCOUNT_CACHE_MS); the switch-off must still be seen by the next one.
    expect((await send('oficial')).json().code).not.toBe('CHANNEL_ACCOUNT.NOT_ACTIVE');
    const off = await call('PATCH', '/oficial', { enabled: false });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ name: 'oficial', enabled: false, status: 'disabled' });
    const again = await call('PATCH', '/oficial', { enabled: false });
    expect(again.statusCode).toBe(200);

    const refused = await send('oficial');
    expect(refused.statusCode).toBe(422);
    expect(refused.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(refused.json().code).toBe('CHANNEL_ACCOUNT.NOT_ACTIVE');
    expect(await accountEvents(off.json().id)).toEqual([{ status: 'disabled' }]);
  });

  it('still stores what customers send to a switched-off account', async () => {
    const providerId = await scenario.customerWrites('5511987650002', 'still there?');
    const [stored] = await scenario.db.query<{ direction: string }[]>(
      `SELECT direction FROM messages WHERE provider_message_id = $1`,
      [providerId],
    );
    expect(stored).toEqual({ direction: 'inbound' });
  });

  it('never takes a switched-off account as the fallback', async () => {
    const linked = await call('PUT', '/backup/fallback', { fallbackAccountId: 'oficial' });
    expect(linked.statusCode).toBe(200);
    const accounts = scenario.app.get(ChannelAccountsService);
    const backup = { id: evolutionAccountId, tenantId: scenario.tenant.id };
    expect(await accounts.fallbackOf(backup)).toBeNull();
    await call('PATCH', '/oficial', { enabled: true });
    expect(await accounts.fallbackOf(backup)).toMatchObject({ provider: 'meta-cloud' });
  });

  it('switches it back on with the status the platform left, and sends again', async () => {
    const on = await call('PATCH', '/oficial', { enabled: true, displayName: 'Front desk' });
    expect(on.statusCode).toBe(200);
    expect(on.json()).toMatchObject({ enabled: true, status: 'active', displayName: 'Front desk' });
    expect(await accountEvents(on.json().id)).toEqual([
      { status: 'disabled' },
      { status: 'active' },
    ]);
    const accepted = await send('oficial');
    expect(accepted.statusCode).toBe(202);
    await eventually(async () =>
      expect(await message(accepted.json().id)).toMatchObject({ status: 'sent' }),
    );
  });

  it('refuses a display name that is not a string, naming the field', async () => {
    const response = await call('PATCH', '/oficial', { displayName: 42 });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'displayName' })]),
    );
  });

  it('fails queued sends of a switched-off account when their turn comes, without calling the platform', async () => {
    const queue = scenario.app.get<Queue>(getQueueToken(QueueName.Outbound));
    await queue.pause();
    const accepted = await send('oficial');
    expect(accepted.statusCode).toBe(202);
    await call('PATCH', '/oficial', { enabled: false });
    const sentBefore = scenario.graph.sent().length;
    await queue.resume();
    await eventually(async () =>
      expect(await message(accepted.json().id)).toEqual({
        status: 'failed',
        error_code: 'CHANNEL_ACCOUNT.DISABLED',
      }),
    );
    expect(scenario.graph.sent()).toHaveLength(sentBefore);
    await call('PATCH', '/oficial', { enabled: true });
  });

  it('deletes an account: instance released, queued sends failed, hidden, history kept', async () => {
    const queue = scenario.app.get<Queue>(getQueueToken(QueueName.Outbound));
    await call('PUT', '/oficial/fallback', { fallbackAccountId: 'backup' });
    await queue.pause();
    const queued = await send('backup');
    expect(queued.statusCode).toBe(202);

    const deleted = await call('DELETE', '/backup');
    expect(deleted.statusCode).toBe(204);
    await queue.resume();

    expect(
      evolution.requests.filter(
        (r) => r.method === 'DELETE' && r.path.startsWith('/instance/delete/'),
      ),
    ).toEqual([expect.objectContaining({ path: `/instance/delete/${INSTANCE.name}` })]);
    expect(await message(queued.json().id)).toEqual({
      status: 'failed',
      error_code: 'CHANNEL_ACCOUNT.DELETED',
    });
    expect((await call('GET', '/backup')).statusCode).toBe(404);
    expect((await call('DELETE', '/backup')).statusCode).toBe(404);
    expect((await call('PATCH', `/${evolutionAccountId}`, { enabled: true })).statusCode).toBe(404);
    const listed = (await call('GET', '')).json().items as { name: string }[];
    expect(listed.map((a) => a.name)).toEqual(['oficial']);
    expect((await call('GET', '/oficial')).json().fallbackAccountId).toBeNull();
    expect(await accountEvents(evolutionAccountId)).toEqual([{ status: 'disabled' }]);

    // The deleted account's conversation (the queued send opened it) stays readable.
    const [own] = await scenario.db.query<{ id: string }[]>(
      `SELECT id FROM conversations WHERE channel_account_id = $1`,
      [evolutionAccountId],
    );
    const history = await scenario.app.inject({
      method: 'GET',
      url: `/api/v2/conversations/${own.id}/messages`,
      headers: scenario.tenant.headers,
    });
    expect(history.statusCode).toBe(200);
    expect(history.json().items).toHaveLength(1);
  });

  it('lets the same platform account be connected again after its deletion, as a new account', async () => {
    const again = await scenario.app.get(ChannelAccountsService).create(scenario.tenant.id, {
      hub: 'whatsapp',
      provider: 'evolution',
      name: 'backup',
      externalId: INSTANCE.name,
      credentials: { baseUrl: evolution.baseUrl, apiKey: INSTANCE.token },
    });
    expect(again.id).not.toBe(evolutionAccountId);
    expect((await call('GET', '/backup')).json()).toMatchObject({ id: again.id, enabled: true });
  });
});
