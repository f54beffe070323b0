import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { QueueName } from '@core/queue/queue-names';
import type { MetaGraphFake } from '@test/fakes/meta-graph/meta-graph-fake';
import { CloudApiScenario, startCloudApiScenario } from '@test/support/cloud-api-scenario';
import { eventually } from '@test/support/eventually';

/** Waits until a synchronous assertion about what a fake received holds. */
const holds = (assertion: () => void) => eventually(() => Promise.resolve().then(assertion));
import type { TestTenant } from '@test/support/test-app';

const template = (name: string, category: string) => ({
  name,
  language: 'pt_BR',
  status: 'APPROVED',
  category,
  components: [{ type: 'BODY', text: 'Olá!' }],
});

/**
 * The consent gate on the real send path: the Cloud API number of a scenario, the Graph fake
 * on the other side, the worker in the same process.
 */
describe('consent gate on sends', () => {
  let scenario: CloudApiScenario;
  let app: NestFastifyApplication;
  let graph: MetaGraphFake;
  let db: DataSource;
  let tenant: TestTenant;
  let waCounter = 0;

  beforeAll(async () => {
    scenario = await startCloudApiScenario({
      accountName: 'loja',
      templates: [template('promo_verao', 'MARKETING'), template('pedido_enviado', 'UTILITY')],
    });
    ({ app, graph, db, tenant } = scenario);
  });

  afterAll(() => scenario.close());

  const newWaId = () => `55119876${String(++waCounter).padStart(5, '0')}${process.pid % 10}`;

  const sendTemplate = (to: string, name: string, purpose?: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v2/whatsapp/messages/template',
      headers: tenant.headers,
      payload: { instanceId: 'loja', to, name, language: 'pt_BR', ...(purpose && { purpose }) },
    });

  const sendText = (to: string, text: string, purpose?: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v2/messages',
      headers: tenant.headers,
      payload: { channelAccountId: 'loja', to, type: 'text', text: { body: text }, purpose },
    });

  const recordConsent = (phone: string, purpose: string, state: string, channel = '*') =>
    app.inject({
      method: 'POST',
      url: '/api/v2/consent/records',
      headers: tenant.headers,
      payload: { contact: { phone: `+${phone}` }, purpose, channel, state },
    });

  const storedTo = async (to: string) =>
    (
      await db.query(
        `SELECT id FROM messages WHERE tenant_id = $1 AND direction = 'outbound' AND content->>'to' = $2`,
        [tenant.id, to],
      )
    ).length as number;

  it('refuses a marketing template without a marketing grant with 422 naming the purpose, storing nothing', async () => {
    const waId = newWaId();
    const refused = await sendTemplate(waId, 'promo_verao');

    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'CONSENT.MARKETING_REFUSED' });
    expect(await storedTo(waId)).toBe(0);
  });

  it('sends a marketing template once the contact granted marketing', async () => {
    const waId = newWaId();
    expect((await recordConsent(waId, 'marketing', 'granted', 'whatsapp')).statusCode).toBe(201);

    const accepted = await sendTemplate(waId, 'promo_verao');

    expect(accepted.statusCode).toBe(202);
    await holds(() => {
      expect(graph.sent().some((sent) => sent.body.to === waId)).toBe(true);
    });
  });

  it('sends a utility template as service, allowed until withdrawn', async () => {
    const waId = newWaId();
    expect((await sendTemplate(waId, 'pedido_enviado')).statusCode).toBe(202);

    await recordConsent(waId, 'service', 'withdrawn');
    const refused = await sendTemplate(waId, 'pedido_enviado');
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('CONSENT.SERVICE_REFUSED');
  });

  it('judges an explicit purpose: reminders follow a withdrawn service', async () => {
    const waId = newWaId();
    await recordConsent(waId, 'service', 'withdrawn', 'whatsapp');

    const refused = await sendTemplate(waId, 'pedido_enviado', 'reminders');

    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('CONSENT.REMINDERS_REFUSED');
  });

  it('refuses a purpose the tenant never declared, and the reserved confirmation purpose', async () => {
    const waId = newWaId();
    const unknown = await sendTemplate(waId, 'pedido_enviado', 'newsletter');
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().code).toBe('CONSENT.UNKNOWN_PURPOSE');

    const reserved = await sendTemplate(waId, 'pedido_enviado', 'keyword_confirmation');
    expect(reserved.statusCode).toBe(400);
  });

  it('does not deliver a queued send when consent is withdrawn between accept and send', async () => {
    const waId = newWaId();
    await scenario.customerWrites(waId, 'Oi, tudo bem?');
    const queue = app.get<Queue>(getQueueToken(QueueName.Outbound));
    await queue.pause();
    let messageId: string;
    try {
      const accepted = await sendText(waId, 'Seu pedido saiu para entrega');
      expect(accepted.statusCode).toBe(202);
      messageId = accepted.json().id;

      expect((await recordConsent(waId, '*', 'withdrawn', 'whatsapp')).statusCode).toBe(201);
    } finally {
      await queue.resume();
    }

    await eventually(async () => {
      const [row] = await db.query(`SELECT status, error_code FROM messages WHERE id = $1`, [
        messageId,
      ]);
      expect(row).toEqual({ status: 'failed', error_code: 'CONSENT.SERVICE_REFUSED' });
    });
    expect(graph.sent().filter((sent) => sent.body.to === waId)).toHaveLength(0);
  });

  it("reads a known contact's consent inside the send's own reads, on accept and in the worker", async () => {
    const waId = newWaId();
    await scenario.customerWrites(waId, 'Bom dia');
    // Every statement of the app, whichever DataSource instance its module was handed.
    const statements = jest.spyOn(DataSource.prototype, 'query');
    let sql: string[];
    try {
      const accepted = await sendText(waId, 'Seu pedido saiu para entrega');
      expect(accepted.statusCode).toBe(202);
      await holds(() => {
        expect(graph.sent().some((sent) => sent.body.to === waId)).toBe(true);
      });
    } finally {
      sql = statements.mock.calls.map(([text]) => text);
      statements.mockRestore();
    }

    // The recipient's read on accept, the worker's read (and claim) of the message: no
    // statement of consent's own, which cost a round trip and a commit each.
    const consentReads = sql.filter((text) => text.includes('consent_state'));
    expect(consentReads.filter((text) => text.includes('contact_identities'))).toHaveLength(1);
    expect(consentReads.filter((text) => text.includes('claimed_now'))).toHaveLength(1);
    expect(consentReads).toHaveLength(2);
  });

  it('decides the next send to the same person on the kept read, stored by one statement', async () => {
    const waId = newWaId();
    await scenario.customerWrites(waId, 'Bom dia');
    expect((await sendText(waId, 'Primeira resposta')).statusCode).toBe(202);
    const statements = jest.spyOn(DataSource.prototype, 'query');
    let sql: string[];
    try {
      expect((await sendText(waId, 'Segunda resposta')).statusCode).toBe(202);
    } finally {
      sql = statements.mock.calls.map(([text]) => text);
      statements.mockRestore();
    }

    // The insert reads the recipient (and their consent) itself, to store only if unchanged.
    const recipientReads = sql.filter((text) => text.includes('contact_identities'));
    expect(recipientReads).toHaveLength(1);
    expect(recipientReads[0]).toContain('INSERT INTO messages');
    expect(recipientReads[0]).toContain('consent_state');
  });

  it('refuses a send decided on a kept read when consent was withdrawn since', async () => {
    const waId = newWaId();
    await scenario.customerWrites(waId, 'Oi');
    expect((await sendText(waId, 'Primeira resposta')).statusCode).toBe(202);
    expect((await recordConsent(waId, '*', 'withdrawn', 'whatsapp')).statusCode).toBe(201);

    const refused = await sendText(waId, 'Segunda resposta');

    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('CONSENT.SERVICE_REFUSED');
    expect(await storedTo(waId)).toBe(1);
  });

  it('reads the recipient afresh before refusing on a kept read: a grant given since counts', async () => {
    const waId = newWaId();
    expect((await sendTemplate(waId, 'pedido_enviado')).statusCode).toBe(202);
    expect((await recordConsent(waId, 'marketing', 'granted', 'whatsapp')).statusCode).toBe(201);

    const accepted = await sendTemplate(waId, 'promo_verao');

    expect(accepted.statusCode).toBe(202);
    expect(await storedTo(waId)).toBe(2);
  });
});
