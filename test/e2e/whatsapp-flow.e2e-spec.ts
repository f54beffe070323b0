import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import type { MetaGraphFake } from '@test/fakes/meta-graph/meta-graph-fake';
import {
  metaMessages,
  metaMessagesWebhook,
  metaStatus,
  metaStatusesWebhook,
} from '@test/fakes/meta-graph/webhooks';
import { CloudApiScenario, startCloudApiScenario } from '@test/support/cloud-api-scenario';
import type { TestTenant } from '@test/support/test-app';
import { eventually } from '@test/support/eventually';

/**
 * WhatsApp Cloud API end to end, through HTTP only: Meta's signed webhooks in, the frontend's
 * routes out, the local Graph fake on the other side, the worker in the same process.
 */
describe('WhatsApp Cloud API end to end', () => {
  let scenario: CloudApiScenario;
  let graph: MetaGraphFake;
  let app: NestFastifyApplication;
  let db: DataSource;
  let tenant: TestTenant;
  let number: CloudApiScenario['number'];

  beforeAll(async () => {
    scenario = await startCloudApiScenario({
      accountName: 'recepcao',
      templates: [
        {
          name: 'appointment_reminder',
          language: 'pt_BR',
          status: 'APPROVED',
          category: 'UTILITY',
          components: [{ type: 'BODY', text: 'Olá {{1}}, sua consulta é às {{2}}.' }],
        },
      ],
      env: { RETRY_BASE_DELAY_MS: '10' },
    });
    ({ graph, app, db, tenant, number } = scenario);
  });

  afterAll(() => scenario.close());

  const webhook = (body: unknown) => scenario.webhook(body);
  const customerWrites = (waId: string, text: string) => scenario.customerWrites(waId, text);

  const sendText = (to: string, text: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v2/whatsapp/send/text',
      headers: tenant.headers,
      payload: { instanceId: 'recepcao', to, text },
    });

  const message = (id: string) =>
    app
      .inject({ method: 'GET', url: `/api/v2/messages/${id}`, headers: tenant.headers })
      .then((r) => r.json());

  it('stores an inbound message, sends the reply with the documented body, and follows its statuses', async () => {
    await customerWrites('5511987650101', 'Quero remarcar minha consulta');

    const conversations = await app.inject({
      method: 'GET',
      url: '/api/v2/conversations',
      headers: tenant.headers,
    });
    const conversation = conversations.json().items[0];
    expect(conversation.contact).toMatchObject({ displayName: 'Maria', phone: '+5511987650101' });
    const history = await app.inject({
      method: 'GET',
      url: `/api/v2/conversations/${conversation.id}/messages`,
      headers: tenant.headers,
    });
    expect(history.json().items[0]).toMatchObject({
      direction: 'inbound',
      type: 'text',
      content: { text: 'Quero remarcar minha consulta' },
    });

    const accepted = await sendText('+5511987650101', 'Claro! Qual horário?');
    expect(accepted.statusCode).toBe(202);
    const { id } = accepted.json();
    const sent = await eventually(() => {
      const found = graph
        .sent()
        .find(
          (m) => (m.body.text as { body?: string } | undefined)?.body === 'Claro! Qual horário?',
        );
      expect(found).toBeDefined();
      return Promise.resolve(found!);
    });
    expect(sent.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+5511987650101',
      type: 'text',
      text: { body: 'Claro! Qual horário?' },
    });
    const request = graph.requests.find(
      (r) => r.method === 'POST' && r.path.endsWith(`/${number.phoneNumberId}/messages`),
    );
    expect(request?.headers.authorization).toBe(`Bearer ${scenario.accessToken}`);
    await eventually(async () => expect((await message(id)).status).toBe('sent'));

    for (const status of ['delivered', 'read', 'sent'] as const) {
      const delivery = metaStatusesWebhook(
        number,
        metaStatus({ id: sent.wamid, status, recipientId: '5511987650101' }),
      );
      expect((await webhook(delivery)).statusCode).toBe(200);
      if (status !== 'sent')
        await eventually(async () => expect((await message(id)).status).toBe(status));
    }
    // The late `sent` (processed by now, or shortly) must not move the message back.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const final = await message(id);
    expect(final.status).toBe('read');
    expect(final.history.map((h: { status: string }) => h.status)).toEqual([
      'queued',
      'sent',
      'delivered',
      'read',
    ]);
  });

  it('refuses text PostgreSQL cannot store (an unpaired surrogate, U+0000) with 400, queueing nothing', async () => {
    const waId = '5511987650909';
    await customerWrites(waId, 'oi');
    const outbound = async () =>
      Number(
        (await db.query(`SELECT count(*) AS n FROM messages WHERE direction = 'outbound'`))[0].n,
      );
    const [storedBefore, sentBefore] = [await outbound(), graph.sent().length];
    for (const text of ['a broken emoji \ud83d', 'a\u0000b']) {
      const response = await sendText(`+${waId}`, text);
      expect(response.statusCode).toBe(400);
      expect(response.json().errors).toEqual([
        { field: 'text', message: 'text must not contain U+0000 or unpaired surrogates' },
      ]);
    }
    expect(await outbound()).toBe(storedBefore);
    expect(graph.sent()).toHaveLength(sentBefore);
  });

  it('refuses an access token that cannot travel in a header, connecting nothing', async () => {
    for (const [i, accessToken] of [
      'EAAG🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂',
      'EAAGtoken0123456789\r\nX-Evil: 1',
    ].entries()) {
      const name = `bad-token-${i}`;
      const response = await app.inject({
        method: 'POST',
        url: '/api/v2/whatsapp/accounts',
        headers: tenant.headers,
        payload: { name, phoneNumberId: `1065403522429${i}`, wabaId: number.wabaId, accessToken },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().errors).toEqual([
        { field: 'accessToken', message: 'accessToken must be printable ASCII without spaces' },
      ]);
      const templates = await app.inject({
        method: 'GET',
        url: `/api/v2/whatsapp/templates?instanceId=${name}`,
        headers: tenant.headers,
      });
      expect(templates.statusCode).toBe(404);
    }
  });

  it('refuses free text to someone who has not written in the last 24 hours, with 422', async () => {
    const response = await sendText('+5511987650202', 'Oi!');
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json().code).toBe('WHATSAPP.WINDOW_CLOSED');
  });

  it('opens a conversation with an approved template, and checks its parameters before queueing', async () => {
    const send = (components: unknown, name = 'appointment_reminder') =>
      app.inject({
        method: 'POST',
        url: '/api/v2/whatsapp/messages/template',
        headers: tenant.headers,
        payload: {
          instanceId: 'recepcao',
          to: '+5511987650303',
          name,
          language: 'pt_BR',
          components,
        },
      });
    const missingParameter = await send([
      { type: 'body', parameters: [{ type: 'text', text: 'Maria' }] },
    ]);
    expect(missingParameter.statusCode).toBe(400);
    expect(missingParameter.json().errors[0].field).toMatch(/^template\.components/);
    expect((await send([], 'no_such_template')).statusCode).toBe(422);

    const accepted = await send([
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Maria' },
          { type: 'text', text: '14:00' },
        ],
      },
    ]);
    expect(accepted.statusCode).toBe(202);
    await eventually(async () => expect((await message(accepted.json().id)).status).toBe('sent'));
  });

  it('retries a throughput error (130429) later and then sends', async () => {
    await customerWrites('5511987650404', 'Olá');
    graph.failNext(1, 130429);
    const accepted = await sendText('+5511987650404', 'tentando de novo');
    await eventually(
      async () => expect((await message(accepted.json().id)).status).toBe('sent'),
      20_000,
    );
    const attempts = graph.requests.filter(
      (r) =>
        r.method === 'POST' &&
        (r.json as { text?: { body?: string } } | undefined)?.text?.body === 'tentando de novo',
    );
    expect(attempts).toHaveLength(2);
  });

  it('fails an undeliverable message (131026) at once, recording the code', async () => {
    await customerWrites('5511987650505', 'Olá');
    graph.failNext(1, 131026);
    const accepted = await sendText('+5511987650505', 'não vai chegar');
    const failed = await eventually(async () => {
      const current = await message(accepted.json().id);
      expect(current.status).toBe('failed');
      return current;
    });
    expect(failed.error.code).toBe('131026');
    const attempts = graph.requests.filter(
      (r) =>
        r.method === 'POST' &&
        (r.json as { text?: { body?: string } } | undefined)?.text?.body === 'não vai chegar',
    );
    expect(attempts).toHaveLength(1);
  });

  it('serves a received image to the frontend, marks it read, and sends an uploaded file by its media id', async () => {
    const waId = '5511987650606';
    const photo = Buffer.from('\xff\xd8\xff fake jpeg bytes', 'latin1');
    const mediaId = graph.addMedia(number.phoneNumberId, { mimeType: 'image/jpeg', body: photo });
    const wamid = `wamid.${newId()}`;
    const delivery = metaMessagesWebhook(
      number,
      { waId },
      metaMessages.image({ from: waId, id: wamid }, mediaId, 'meu exame'),
    );
    expect((await webhook(delivery)).statusCode).toBe(200);
    const [{ id }] = await eventually(async () => {
      const rows: { id: string }[] = await db.query(
        `SELECT id FROM messages WHERE provider_message_id = $1`,
        [wamid],
      );
      expect(rows).toHaveLength(1);
      return rows;
    });

    const file = await app.inject({
      method: 'GET',
      url: `/api/v2/whatsapp/messages/${id}/media`,
      headers: tenant.headers,
    });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toMatch(/^image\/jpeg/);
    expect(file.rawPayload.equals(photo)).toBe(true);

    const read = await app.inject({
      method: 'POST',
      url: `/api/v2/whatsapp/messages/${id}/read`,
      headers: tenant.headers,
    });
    expect(read.statusCode).toBe(204);
    expect(graph.readReceipts()).toContain(wamid);

    const uploaded = await app.inject({
      method: 'POST',
      url: '/api/v2/whatsapp/media',
      headers: tenant.headers,
      payload: {
        instanceId: 'recepcao',
        mimeType: 'application/pdf',
        filename: 'laudo.pdf',
        data: Buffer.from('%PDF-1.4').toString('base64'),
      },
    });
    expect(uploaded.statusCode).toBe(201);
    const sent = await app.inject({
      method: 'POST',
      url: '/api/v2/whatsapp/messages/document',
      headers: tenant.headers,
      payload: {
        instanceId: 'recepcao',
        to: `+${waId}`,
        mediaId: uploaded.json().mediaId,
        filename: 'laudo.pdf',
      },
    });
    expect(sent.statusCode).toBe(202);
    await eventually(async () => expect((await message(sent.json().id)).status).toBe('sent'));
    expect(
      graph
        .sent()
        .some(
          (m) => (m.body.document as { id?: string } | undefined)?.id === uploaded.json().mediaId,
        ),
    ).toBe(true);
  });

  it('sends contact cards through the generic messages route, and names a card without a name', async () => {
    const waId = '5511987650707';
    await customerWrites(waId, 'Qual o telefone da clínica?');
    const card = {
      name: { formatted_name: 'Clínica Sorriso' },
      phones: [{ phone: '+551130000000', type: 'WORK' }],
    };
    const send = (contacts: unknown[]) =>
      app.inject({
        method: 'POST',
        url: '/api/v2/messages',
        headers: tenant.headers,
        payload: { channelAccountId: 'recepcao', to: `+${waId}`, type: 'contacts', contacts },
      });
    const unnamed = await send([{ phones: [{ phone: '+551130000000' }] }]);
    expect(unnamed.statusCode).toBe(400);
    expect(unnamed.json().errors).toEqual([
      {
        field: 'contacts[0].name.formatted_name',
        message: 'every contact card needs name.formatted_name',
      },
    ]);
    const accepted = await send([card]);
    expect(accepted.statusCode).toBe(202);
    await eventually(async () => expect((await message(accepted.json().id)).status).toBe('sent'));
    expect(graph.sent().find((m) => m.body.type === 'contacts')?.body).toMatchObject({
      to: `+${waId}`,
      contacts: [card],
    });
  });
});
