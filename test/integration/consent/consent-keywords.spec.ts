import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { ConsentKeywordsListener } from '@app/consent/consent-keywords.listener';
import { DEFAULT_POLICY } from '@app/consent/consent-policy';
import type { MessagingEvent } from '@app/messaging/events/messaging-event';
import type { MetaGraphFake } from '@test/fakes/meta-graph/meta-graph-fake';
import { CloudApiScenario, startCloudApiScenario } from '@test/support/cloud-api-scenario';
import { eventually } from '@test/support/eventually';

/** Waits until a synchronous assertion about what a fake received holds. */
const holds = (assertion: () => void) => eventually(() => Promise.resolve().then(assertion));
import type { TestTenant } from '@test/support/test-app';

/**
 * Opt-out and opt-in keywords end to end: a customer's message arrives by Meta's webhook, the
 * event stream hands it to the consent listener, and the confirmation goes to the Graph fake.
 */
describe('consent keywords', () => {
  let scenario: CloudApiScenario;
  let app: NestFastifyApplication;
  let graph: MetaGraphFake;
  let db: DataSource;
  let tenant: TestTenant;
  let waCounter = 0;

  beforeAll(async () => {
    scenario = await startCloudApiScenario({ accountName: 'clinica' });
    ({ app, graph, db, tenant } = scenario);
  });

  afterAll(() => scenario.close());

  const newWaId = () => `55219876${String(++waCounter).padStart(5, '0')}${process.pid % 10}`;
  const textsTo = (waId: string) =>
    graph
      .sent()
      .filter((sent) => sent.body.to === waId)
      .map((sent) => (sent.body.text as { body: string }).body);
  const keywordEvents = async (waId: string) =>
    db.query<{ state: string; evidence: { messageId: string } }[]>(
      `SELECT e.state, e.evidence FROM consent_events e
         JOIN contact_identities i ON i.contact_id = e.contact_id AND i.type = 'wa_id'
       WHERE e.tenant_id = $1 AND i.value = $2 ORDER BY e.id`,
      [tenant.id, waId],
    );
  const allowed = async (waId: string) =>
    (
      await app.inject({
        method: 'POST',
        url: '/api/v2/consent/lookup',
        headers: tenant.headers,
        payload: { contact: { phone: `+${waId}` }, channel: 'whatsapp' },
      })
    ).json().allowed as Record<string, boolean>;
  const receivedEvent = async (wamid: string): Promise<MessagingEvent> => {
    const [row] = await db.query(
      `SELECT d.* FROM domain_events d JOIN messages m ON m.id = d.message_id
       WHERE m.provider_message_id = $1 AND d.type = 'message.received'`,
      [wamid],
    );
    return {
      id: row.id,
      type: row.type,
      tenantId: row.tenant_id,
      streamId: row.stream_id,
      seq: Number(row.seq),
      conversationId: row.conversation_id,
      messageId: row.message_id,
      occurredAt: row.occurred_at,
    };
  };

  it.each(['Parar.', 'parar', 'PARAR!'])(
    'withdraws every purpose on WhatsApp and confirms once for %p',
    async (text) => {
      const waId = newWaId();
      await scenario.customerWrites(waId, text);

      await holds(() => {
        expect(textsTo(waId)).toEqual([DEFAULT_POLICY.optOutConfirmation]);
      });
      expect(await keywordEvents(waId)).toEqual([expect.objectContaining({ state: 'withdrawn' })]);
      expect(await allowed(waId)).toMatchObject({
        service: false,
        marketing: false,
        reminders: false,
      });
    },
  );

  it('confirms once when the event is redelivered, one after the other and at the same time', async () => {
    const waId = newWaId();
    const wamid = await scenario.customerWrites(waId, 'STOP');
    await holds(() => {
      expect(textsTo(waId)).toHaveLength(1);
    });
    const event = await receivedEvent(wamid);
    const listener = app.get(ConsentKeywordsListener);

    await listener.onReceived(event);
    await Promise.all([listener.onReceived(event), listener.onReceived(event)]);

    const outbound = await db.query(
      `SELECT count(*)::int AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.direction = 'outbound' AND c.id = $1`,
      [event.conversationId],
    );
    expect(outbound[0].n).toBe(1);
    expect(await keywordEvents(waId)).toHaveLength(1);
    await eventually(async () => {
      const [row] = await db.query(
        `SELECT status FROM messages WHERE conversation_id = $1 AND direction = 'outbound'`,
        [event.conversationId],
      );
      expect(row.status).toBe('sent');
    });
    expect(textsTo(waId)).toHaveLength(1);
  });

  it('ignores a keyword inside a longer text', async () => {
    const waId = newWaId();
    const ignored = await scenario.customerWrites(waId, 'parar de fumar');
    // Events reach the listener in order per conversation: once the next message's keyword is
    // handled, the one before it was too.
    await scenario.customerWrites(waId, 'sair');

    await holds(() => {
      expect(textsTo(waId)).toHaveLength(1);
    });
    const events = await keywordEvents(waId);
    expect(events).toHaveLength(1);
    const [ignoredId] = await db.query(`SELECT id FROM messages WHERE provider_message_id = $1`, [
      ignored,
    ]);
    expect(events[0].evidence.messageId).not.toBe(ignoredId.id);
  });

  it('refuses further sends after an opt-out, and an opt-in word restores them with its own confirmation', async () => {
    const waId = newWaId();
    await scenario.customerWrites(waId, 'Descadastrar');
    await holds(() => {
      expect(textsTo(waId)).toHaveLength(1);
    });
    const send = () =>
      app.inject({
        method: 'POST',
        url: '/api/v2/messages',
        headers: tenant.headers,
        payload: { channelAccountId: 'clinica', to: waId, type: 'text', text: { body: 'Oi' } },
      });
    expect((await send()).json().code).toBe('CONSENT.SERVICE_REFUSED');

    await scenario.customerWrites(waId, 'Voltar');

    await holds(() => {
      expect(textsTo(waId)).toEqual([
        DEFAULT_POLICY.optOutConfirmation,
        DEFAULT_POLICY.optInConfirmation,
      ]);
    });
    expect(await allowed(waId)).toMatchObject({ service: true, marketing: false });
    expect((await send()).statusCode).toBe(202);
  });

  it("uses the tenant's own keywords and confirmation text", async () => {
    const policy = await app.inject({
      method: 'PUT',
      url: '/api/v2/consent/policy',
      headers: tenant.headers,
      payload: { optOutKeywords: ['Não quero mais'], optOutConfirmation: 'Ok, paramos.' },
    });
    expect(policy.statusCode).toBe(200);
    try {
      const waId = newWaId();
      await scenario.customerWrites(waId, 'nao quero mais!');

      await holds(() => {
        expect(textsTo(waId)).toEqual(['Ok, paramos.']);
      });
    } finally {
      await app.inject({
        method: 'PUT',
        url: '/api/v2/consent/policy',
        headers: tenant.headers,
        payload: {},
      });
    }
  });
});
