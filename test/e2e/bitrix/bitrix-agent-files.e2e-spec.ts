import { HostResolver } from '@core/http/host-resolver';
import { agentMessageEvent } from '@test/fakes/bitrix/events';
import { BitrixScenario, startBitrixScenario, until } from '@test/support/bitrix-scenario';
import { StaticHostResolver } from '@test/support/static-host-resolver';

const CUSTOMER = '5511987650004';
/** Where the portal serves agents' files: a public host, as a real portal's is. */
const PORTAL_HOST = 'acme.bitrix24.example';

describe('Bitrix24 open line: files from the agent', () => {
  let s: BitrixScenario;

  beforeAll(async () => {
    s = await startBitrixScenario();
    const hosts = new StaticHostResolver().set(PORTAL_HOST, ['93.184.215.20']);
    jest
      .spyOn(s.app.get(HostResolver), 'resolve')
      .mockImplementation((host) => hosts.resolve(host));
  });
  afterAll(() => s.close());

  it('sends the text and then each file as WhatsApp media by the link Bitrix24 gives, once', async () => {
    const portal = s.bitrix.portal('acme');
    await s.customerWrites(CUSTOMER, 'Pode mandar o boleto?', 'Bia');
    const line = await until(() => portal.messages[0], 'not mirrored');
    const photo = `https://${PORTAL_HOST}/disk/showFile/501/?token=a1`;
    const pdf = `https://${PORTAL_HOST}/disk/showFile/502/?token=b2`;
    const event = agentMessageEvent(
      line,
      {
        imMessageId: 660001,
        text: 'Segue o [b]boleto[/b]',
        files: [
          { name: 'produto.jpg', link: photo, type: 'image', mime: 'image/jpeg' },
          { name: 'boleto.pdf', link: pdf, type: 'file', mime: 'application/pdf' },
        ],
      },
      s.bitrix.authOf('acme'),
    );
    expect((await s.event(event)).statusCode).toBe(200);
    expect((await s.event(event)).statusCode).toBe(200);
    const sent = await until(() => s.graph.sent().length >= 3 && s.graph.sent(), 'not all sent');
    const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: CUSTOMER };
    expect(sent.map((m) => m.body)).toEqual([
      { ...base, type: 'text', text: { body: 'Segue o boleto' } },
      { ...base, type: 'image', image: { link: photo } },
      { ...base, type: 'document', document: { link: pdf, filename: 'boleto.pdf' } },
    ]);
    // The ticks of the agent's message follow its first part.
    await until(
      () => portal.statuses.some((st) => st.kind === 'delivery' && st.imMessageId === '660001'),
      'no tick',
    );
    expect(s.graph.sent()).toHaveLength(3);
  });

  it('tells the agent in the chat when a file link is not one the channel may fetch', async () => {
    const portal = s.bitrix.portal('acme');
    const line = portal.messages[0];
    const before = s.graph.sent().length;
    const event = agentMessageEvent(
      line,
      {
        imMessageId: 660002,
        files: [{ name: 'x.jpg', link: 'https://localhost/x.jpg', type: 'image' }],
      },
      s.bitrix.authOf('acme'),
    );
    expect((await s.event(event)).statusCode).toBe(200);
    const note = await until(
      () => portal.systemMessages.find((m) => m.message.startsWith('[Omnihub] Not sent')),
      'no note',
    );
    expect(note.dialogId).toBe(`chat${line.chatId}`);
    expect(s.graph.sent()).toHaveLength(before);
  });
});
