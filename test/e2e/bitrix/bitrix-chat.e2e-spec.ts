import { agentMessageEvent, eventForm } from '@test/fakes/bitrix/events';
import { metaStatus, metaStatusesWebhook } from '@test/fakes/meta-graph/webhooks';
import { BitrixScenario, LINE, startBitrixScenario, until } from '@test/support/bitrix-scenario';

const CUSTOMER = '5511987650001';

describe('Bitrix24 open line ↔ WhatsApp', () => {
  let s: BitrixScenario;

  beforeAll(async () => {
    s = await startBitrixScenario();
  });
  afterAll(() => s.close());

  it('registers the connector, binds the events and activates it on the mapped line', () => {
    const portal = s.bitrix.portal('acme');
    const connector = portal.connectors.get('omnihub');
    expect(connector?.lines.has(LINE)).toBe(true);
    expect(connector?.lines.get(LINE)).toMatchObject({ name: 'Omnihub: main' });
    expect(portal.bindings.map((b) => b.event).sort()).toEqual([
      'OnImConnectorLineDelete',
      'OnImConnectorMessageAdd',
      'OnImConnectorStatusDelete',
    ]);
    expect(new Set(portal.bindings.map((b) => b.handler))).toEqual(
      new Set([expect.stringMatching(new RegExp(`/webhooks/bitrix24/${s.portalId}$`))]),
    );
  });

  it('carries a customer message to the line, an agent reply to WhatsApp and the ticks back', async () => {
    const portal = s.bitrix.portal('acme');
    await s.customerWrites(CUSTOMER, 'Olá, preciso de ajuda', 'Maria');
    await s.customerWrites(CUSTOMER, 'É sobre meu pedido', 'Maria');
    await until(() => portal.messages.length >= 2, 'not mirrored yet');
    const [first, second] = portal.messages;
    expect(first).toMatchObject({
      line: LINE,
      connector: 'omnihub',
      text: 'Olá, preciso de ajuda',
      user: expect.objectContaining({ name: 'Maria' }),
    });
    expect(second.text).toBe('É sobre meu pedido');
    expect(second.chatId).toBe(first.chatId);
    // Our message ids are the external ids: each stored message once.
    const ids: { id: string }[] = await s.db.query(
      `SELECT id FROM messages WHERE channel_account_id = $1 AND direction = 'inbound' ORDER BY created_at`,
      [s.accountId],
    );
    expect(portal.messages.map((m) => m.externalMessageId)).toEqual(ids.map((r) => r.id));
    // One CRM contact, searched for before it was created.
    expect(portal.contacts).toHaveLength(1);
    expect(s.bitrix.callsOf('acme', 'crm.duplicate.findbycomm')).toHaveLength(1);
    expect(s.bitrix.callsOf('acme', 'crm.contact.add')).toHaveLength(1);

    // The agent answers; Bitrix24 posts the event twice.
    const reply = agentMessageEvent(
      first,
      { imMessageId: 777001, text: 'Claro, [b]qual[/b] o número?' },
      s.bitrix.authOf('acme'),
    );
    expect((await s.event(reply)).statusCode).toBe(200);
    expect((await s.event(reply)).statusCode).toBe(200);
    const sent = await until(() => s.graph.sent().length > 0 && s.graph.sent(), 'reply not sent');
    expect(sent[0].body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: CUSTOMER,
      type: 'text',
      text: { body: 'Claro, qual o número?' },
    });

    await until(() => portal.statuses.some((st) => st.kind === 'delivery'), 'no tick');
    await s.webhook(
      metaStatusesWebhook(
        s.number,
        metaStatus({ id: sent[0].wamid, status: 'delivered', recipientId: CUSTOMER }),
        metaStatus({ id: sent[0].wamid, status: 'read', recipientId: CUSTOMER }),
      ),
    );
    await until(() => portal.statuses.some((st) => st.kind === 'reading'), 'not read yet');
    const reading = portal.statuses.find((st) => st.kind === 'reading');
    expect(reading).toMatchObject({
      line: LINE,
      imChatId: String(first.chatId),
      imMessageId: '777001',
    });
    expect(s.graph.sent()).toHaveLength(1);
  });

  it('refuses an event with a forged application token and stores nothing', async () => {
    const before = await s.db.query(`SELECT count(*)::int AS n FROM inbound_events`);
    const forged = eventForm(
      'ONIMCONNECTORMESSAGEADD',
      { CONNECTOR: 'omnihub', LINE, MESSAGES: [] },
      { ...s.bitrix.authOf('acme'), application_token: 'not-the-token' },
    );
    const response = await s.event(forged);
    expect(response.statusCode).toBe(401);
    const after = await s.db.query(`SELECT count(*)::int AS n FROM inbound_events`);
    expect(after[0].n).toBe(before[0].n);
  });

  it('keeps no token of an install event in the inbox', async () => {
    const rows: { payload: unknown }[] = await s.db.query(
      `SELECT payload FROM inbound_events WHERE source = 'bitrix24'`,
    );
    const auth = s.bitrix.authOf('acme');
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(auth.application_token);
    expect(stored).not.toContain(auth.refresh_token);
  });
});
