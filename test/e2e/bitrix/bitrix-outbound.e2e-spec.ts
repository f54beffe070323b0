import { MirrorFlusher } from '@app/bitrix/mirror/mirror.flusher';
import { agentMessageEvent } from '@test/fakes/bitrix/events';
import { BitrixScenario, startBitrixScenario, until } from '@test/support/bitrix-scenario';
import { eventually } from '@test/support/eventually';

const CUSTOMER = '5511987650003';

describe('Bitrix24 open line: what the business sends outside the line', () => {
  let s: BitrixScenario;

  beforeAll(async () => {
    s = await startBitrixScenario();
  });
  afterAll(() => s.close());

  const sendThroughApi = async (body: string): Promise<string> => {
    const response = await s.app.inject({
      method: 'POST',
      url: '/api/v2/messages',
      headers: s.tenant.headers,
      payload: { channelAccountId: 'main', to: `+${CUSTOMER}`, type: 'text', text: { body } },
    });
    expect(response.statusCode).toBe(202);
    return response.json<{ id: string }>().id;
  };

  it('posts a message sent through POST /api/v2/messages into the chat as a system message, once', async () => {
    const portal = s.bitrix.portal('acme');
    await s.customerWrites(CUSTOMER, 'Quando chega meu pedido?', 'Rita');
    const line = await until(() => portal.messages[0], 'customer message not mirrored');

    const id = await sendThroughApi('Seu pedido saiu para entrega');
    const note = await until(
      () => portal.systemMessages.find((m) => m.message.includes('Seu pedido saiu para entrega')),
      'API message not in the chat',
    );
    expect(note).toEqual({
      dialogId: `chat${line.chatId}`,
      message: '[b]Sent by the business through Omnihub:[/b][br]Seu pedido saiu para entrega',
    });
    expect(s.bitrix.callsOf('acme', 'im.message.add').at(-1)?.params).toMatchObject({
      SYSTEM: 'Y',
    });
    // Posted once: a re-run of the mirror finds nothing left to post.
    await eventually(async () => {
      const decision = await s.app.get(MirrorFlusher).flush(s.portalId);
      if (decision.kind !== 'done') throw new Error('flush still running elsewhere');
    });
    expect(portal.systemMessages.filter((m) => m.message === note.message)).toHaveLength(1);
    const [row] = await s.db.query(
      `SELECT sent_at IS NOT NULL AS sent, bitrix_message_id::text AS "bitrixId"
         FROM bitrix_mirror_items WHERE message_id = $1 AND change = 'outbound'`,
      [id],
    );
    expect(row).toEqual({ sent: true, bitrixId: expect.stringMatching(/^\d+$/) });
  });

  it("does not copy an agent's own reply back into the chat", async () => {
    const portal = s.bitrix.portal('acme');
    const line = portal.messages[0];
    const reply = agentMessageEvent(
      line,
      { imMessageId: 990001, text: 'Amanhã pela manhã' },
      s.bitrix.authOf('acme'),
    );
    expect((await s.event(reply)).statusCode).toBe(200);
    await until(
      () => s.graph.sent().some((m) => JSON.stringify(m.body).includes('Amanhã pela manhã')),
      'agent reply not sent',
    );
    await until(() => portal.statuses.some((st) => st.imMessageId === '990001'), 'no tick');
    // The stream keeps a conversation's order: once a later API message is in the chat, the
    // agent's reply (sent before it) was considered and left out.
    await sendThroughApi('Obrigado pela preferência');
    await until(
      () => portal.systemMessages.some((m) => m.message.includes('Obrigado pela preferência')),
      'second API message not in the chat',
    );
    const notes = portal.systemMessages.map((m) => m.message);
    expect(notes.some((m) => m.includes('Amanhã pela manhã'))).toBe(false);
    expect(notes.filter((m) => m.startsWith('[b]Sent by the business'))).toHaveLength(2);
  });
});
