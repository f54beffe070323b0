import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import { EvolutionFake, startEvolutionFake } from '@test/fakes/evolution/evolution-fake';
import type { MetaGraphFake } from '@test/fakes/meta-graph/meta-graph-fake';
import { eventually } from '@test/support/eventually';
import { CloudApiScenario, startCloudApiScenario } from '@test/support/cloud-api-scenario';
import type { TestTenant } from '@test/support/test-app';

const INSTANCE = { name: 'oh-backup-line', token: 'evolution-instance-token-0123' };
const SERVER_ERROR = {
  status: 500,
  body: {
    error: {
      message: 'An unknown error occurred',
      type: 'OAuthException',
      code: 1,
      fbtrace_id: 'A1',
    },
  },
};

/**
 * The fallback scenario against both platform fakes: Meta's Cloud API answers 500s
 * until its breaker opens, service replies go out through the Evolution instance (each once),
 * a template does not move, and once Meta recovers new sends use it again.
 */
describe('WhatsApp fallback from the Cloud API to Evolution', () => {
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
      templates: [
        {
          name: 'hello_world',
          language: 'en_US',
          status: 'APPROVED',
          category: 'UTILITY',
          components: [{ type: 'BODY', text: 'Hello' }],
        },
      ],
      env: {
        CIRCUIT_WHATSAPP_FAILURE_THRESHOLD: '2',
        CIRCUIT_WHATSAPP_HALF_OPEN_AFTER_MS: '1000',
        EVOLUTION_MESSAGES_PER_MINUTE: '6000',
      },
    });
    ({ graph, app, db, tenant } = scenario);
    await app.get(ChannelAccountsService).create(tenant.id, {
      hub: 'whatsapp',
      provider: 'evolution',
      name: 'backup',
      externalId: INSTANCE.name,
      credentials: { baseUrl: evolution.baseUrl, apiKey: INSTANCE.token },
    });
    const linked = await app.inject({
      method: 'PUT',
      url: '/api/v2/channel-accounts/oficial/fallback',
      headers: tenant.headers,
      payload: { fallbackAccountId: 'backup' },
    });
    expect(linked.statusCode).toBe(200);

    // The customer writes first, so free-form replies are inside the 24-hour window.
    await scenario.customerWrites('5511987659999', 'Oi');
  });

  afterAll(async () => {
    await scenario.close();
    await evolution.close();
  });

  const send = async (payload: Record<string, unknown>) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v2/messages',
      headers: tenant.headers,
      payload: { channelAccountId: 'oficial', to: '+5511987659999', ...payload },
    });
    expect(response.statusCode).toBe(202);
    return response.json().id as string;
  };
  const message = async (id: string) =>
    (
      await db.query<
        {
          status: string;
          provider: string;
          fallback_reason: string | null;
          provider_message_id: string | null;
        }[]
      >(
        `SELECT status, provider, fallback_reason, provider_message_id FROM messages WHERE id = $1`,
        [id],
      )
    )[0];

  it('sends service replies through Evolution while Meta fails, each exactly once, with the reason recorded', async () => {
    graph.failNext(2, SERVER_ERROR);
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1)
      ids.push(await send({ type: 'text', text: { body: `resposta ${i}` } }));
    await eventually(async () => {
      for (const id of ids) expect((await message(id)).status).toBe('sent');
    }, 30_000);

    for (const id of ids) {
      const row = await message(id);
      if (row.provider === 'evolution') {
        expect(row.fallback_reason).toMatch(/^(circuit_open|retries_exhausted)$/);
        expect(evolution.sent().filter((sent) => sent.id === row.provider_message_id)).toHaveLength(
          1,
        );
      }
    }
    const moved = (await Promise.all(ids.map(message))).filter(
      (row) => row.provider === 'evolution',
    );
    expect(moved.length).toBeGreaterThanOrEqual(1);
    const graphTexts = graph
      .sent()
      .map((sent) => (sent.body.text as { body?: string } | undefined)?.body);
    const evolutionTexts = evolution.sent().map((sent) => JSON.stringify(sent.body));
    for (let i = 0; i < ids.length; i += 1) {
      const onMeta = graphTexts.filter((body) => body === `resposta ${i}`).length;
      const onEvolution = evolutionTexts.filter((body) => body.includes(`resposta ${i}`)).length;
      expect(onMeta + onEvolution).toBe(1);
    }
  }, 45_000);

  it('does not move a template to Evolution; it is sent by Meta once Meta recovers', async () => {
    // Read (and cache) the approved templates while Meta answers, then make the sends fail.
    const templates = await app.inject({
      method: 'GET',
      url: '/api/v2/whatsapp/templates?instanceId=oficial',
      headers: tenant.headers,
    });
    expect(templates.statusCode).toBe(200);
    graph.failNext(3, SERVER_ERROR);
    const id = await send({
      type: 'template',
      template: { name: 'hello_world', language: 'en_US' },
    });
    await eventually(async () => expect((await message(id)).status).toBe('sent'), 40_000);
    expect(await message(id)).toMatchObject({ provider: 'meta-cloud', fallback_reason: null });
    expect(evolution.sent().some((sent) => JSON.stringify(sent.body).includes('hello_world'))).toBe(
      false,
    );
  }, 60_000);

  it('sends new replies through Meta again after it recovered', async () => {
    const id = await send({ type: 'text', text: { body: 'de volta ao oficial' } });
    await eventually(async () => expect((await message(id)).status).toBe('sent'), 15_000);
    expect(await message(id)).toMatchObject({ provider: 'meta-cloud', fallback_reason: null });
  });
});
