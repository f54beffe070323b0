import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { HostResolver } from '@core/http/host-resolver';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { EvolutionFake, startEvolutionFake } from '@test/fakes/evolution/evolution-fake';
import type { MetaGraphFake } from '@test/fakes/meta-graph/meta-graph-fake';
import { CloudApiScenario, startCloudApiScenario } from '@test/support/cloud-api-scenario';
import { eventually } from '@test/support/eventually';
import {
  LINKS_REFUSED_AT_ACCEPT,
  LINKS_REFUSED_AT_SEND,
  withHostileNames,
} from '@test/support/hostile-media-links';
import { StaticHostResolver } from '@test/support/static-host-resolver';
import type { TestTenant } from '@test/support/test-app';

const INSTANCE = { name: 'oh-media-line', token: 'evolution-instance-token-media' };
const CUSTOMER = '5511987658888';

/**
 * The hardening review's SSRF finding end to end: hostile media links are refused by the API
 * (400 naming the field) or, when only DNS betrays them, fail in the worker without reaching
 * the platform; a public https link still reaches it unchanged.
 */
describe('Media links through the API and the worker', () => {
  let scenario: CloudApiScenario;
  let evolution: EvolutionFake;
  let graph: MetaGraphFake;
  let app: NestFastifyApplication;
  let db: DataSource;
  let tenant: TestTenant;

  beforeAll(async () => {
    evolution = await startEvolutionFake({
      globalApiKey: 'evolution-global-key',
      instances: [{ ...INSTANCE, state: 'open' }],
    });
    scenario = await startCloudApiScenario({
      accountName: 'oficial',
      env: { EVOLUTION_MESSAGES_PER_MINUTE: '6000' },
    });
    ({ graph, app, db, tenant } = scenario);
    // The app's resolver is getaddrinfo; this suite decides what names resolve to instead.
    const hosts = withHostileNames(new StaticHostResolver());
    jest.spyOn(app.get(HostResolver), 'resolve').mockImplementation((host) => hosts.resolve(host));
    await app.get(ChannelAccountsService).create(tenant.id, {
      hub: 'whatsapp',
      provider: 'evolution',
      name: 'evo',
      externalId: INSTANCE.name,
      credentials: { baseUrl: evolution.baseUrl, apiKey: INSTANCE.token },
    });
    await scenario.customerWrites(CUSTOMER, 'Oi');
  });

  afterAll(async () => {
    await scenario.close();
    await evolution.close();
  });

  const sendImage = (account: string, url: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v2/messages',
      headers: tenant.headers,
      payload: { channelAccountId: account, to: `+${CUSTOMER}`, type: 'image', media: { url } },
    });
  const evolutionMediaSends = () =>
    evolution.requests.filter((request) => request.path.startsWith('/message/sendMedia/'));
  const graphSends = () => graph.sent().length;
  const settled = (id: string) =>
    eventually(async () => {
      const [row] = await db.query<{ status: string; error_code: string | null }[]>(
        `SELECT status, error_code FROM messages WHERE id = $1`,
        [id],
      );
      // 'sending' is the worker's claim, not an outcome: wait for what the send became.
      if (row.status === 'queued' || row.status === 'sending') throw new Error(row.status);
      return row;
    });

  it.each(LINKS_REFUSED_AT_ACCEPT)('answers 400 naming media.url for %s', async (url) => {
    for (const account of ['evo', 'oficial']) {
      const response = await sendImage(account, url);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({
        code: 'REQUEST.VALIDATION_FAILED',
        errors: [{ field: 'media.url' }],
      });
    }
  });

  it("names the frontend route's own field, url", async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v2/whatsapp/messages/image',
      headers: tenant.headers,
      payload: { instanceId: 'evo', to: `+${CUSTOMER}`, url: 'http://127.0.0.1:8080/admin' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      expect.objectContaining({ field: 'url', message: expect.stringContaining('https') }),
    ]);
  });

  it('fails sends whose link only DNS or the port betrays, permanently, before Evolution sees them', async () => {
    const mediaSendsBefore = evolutionMediaSends().length;
    for (const url of LINKS_REFUSED_AT_SEND) {
      const response = await sendImage('evo', url);
      expect(response.statusCode).toBe(202);
      expect(await settled(response.json().id)).toEqual({
        status: 'failed',
        error_code: 'MEDIA.LINK_REFUSED',
      });
    }
    expect(evolutionMediaSends().length).toBe(mediaSendsBefore);
  });

  it('fails such a send on the Cloud API too, before Meta sees it', async () => {
    const before = graphSends();
    const response = await sendImage('oficial', 'https://rebind.example.com/x.jpg');
    expect(response.statusCode).toBe(202);
    expect(await settled(response.json().id)).toEqual({
      status: 'failed',
      error_code: 'MEDIA.LINK_REFUSED',
    });
    expect(graphSends()).toBe(before);
  });

  it('hands a public https link to both platforms unchanged', async () => {
    const url = 'https://cdn.example.com/fotos/recibo.jpg?sig=AbC-_9&exp=1772400000';
    for (const account of ['evo', 'oficial']) {
      const response = await sendImage(account, url);
      expect(response.statusCode).toBe(202);
      expect(await settled(response.json().id)).toEqual({ status: 'sent', error_code: null });
    }
    expect(evolutionMediaSends().at(-1)!.json).toMatchObject({ media: url });
    expect(graph.sent().at(-1)!.body).toMatchObject({ image: { link: url } });
  });
});
