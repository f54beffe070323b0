import type { OutboundMessage } from '@core/channel/outbound-message';
import { MetaCloudProvider } from '@app/whatsapp/meta-cloud/meta-cloud.provider';
import type { MetaGraphFake } from '@test/fakes/meta-graph/meta-graph-fake';
import type { StaticHostResolver } from '@test/support/static-host-resolver';
import {
  LINKS_REFUSED_AT_ACCEPT,
  LINKS_REFUSED_AT_SEND,
  withHostileNames,
} from '@test/support/hostile-media-links';
import { SHOP, accountFor, failureOf, startMetaCloud } from './meta-cloud-harness';

const TO = '5511987654321';
const PRIVATE_LINK = 'https://rebind.example.com/header.jpg';

/** Meta fetches `link` media itself: every link in a body passes the same guard first. */
describe('MetaCloudProvider media links', () => {
  let fake: MetaGraphFake;
  let provider: MetaCloudProvider;
  let hosts: StaticHostResolver;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const started = await startMetaCloud({
      templates: [
        {
          name: 'receipt_ready',
          language: 'pt_BR',
          status: 'APPROVED',
          category: 'UTILITY',
          components: [
            { type: 'HEADER', format: 'IMAGE' },
            { type: 'BODY', text: 'Pronto.' },
          ],
        },
      ],
    });
    ({ fake, close } = started);
    hosts = withHostileNames(started.hosts);
    provider = started.moduleRef.get(MetaCloudProvider);
  });

  afterAll(async () => close?.());

  const send = (content: Record<string, unknown>) =>
    provider.send(accountFor(SHOP), { id: 'msg-link', to: TO, ...content } as OutboundMessage);

  const expectRefusedWithoutCall = async (content: Record<string, unknown>) => {
    const before = fake.requests.length;
    const error = await failureOf(send(content));
    expect(error.code).toBe('MEDIA.LINK_REFUSED');
    expect(error.retryable).toBe(false);
    expect(fake.requests.length).toBe(before);
  };

  it.each([...LINKS_REFUSED_AT_ACCEPT, ...LINKS_REFUSED_AT_SEND])(
    'refuses a document link %s permanently, without calling the Graph API',
    (url) => expectRefusedWithoutCall({ type: 'document', media: { url } }),
  );

  it("refuses a private link in a template header's media parameter", () =>
    expectRefusedWithoutCall({
      type: 'template',
      template: {
        name: 'receipt_ready',
        language: 'pt_BR',
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: PRIVATE_LINK } }] },
        ],
      },
    }));

  it("refuses a private link in an interactive message's media header", () =>
    expectRefusedWithoutCall({
      type: 'interactive',
      interactive: {
        type: 'button',
        header: { type: 'video', video: { link: PRIVATE_LINK } },
        body: { text: 'Confirma?' },
        action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Sim' } }] },
      },
    }));

  it('sends a public https link to Meta unchanged, and media ids without any lookup', async () => {
    const link = 'https://cdn.example.com/nf-1001.pdf?sig=AbC-_9';
    await send({ type: 'document', media: { url: link } });
    expect(fake.requests.at(-1)!.json).toMatchObject({ document: { link } });

    const lookups = hosts.asked.length;
    await send({ type: 'image', media: { mediaId: '1013859600285441' } });
    expect(hosts.asked.length).toBe(lookups);
    expect(fake.requests.at(-1)!.json).toMatchObject({ image: { id: '1013859600285441' } });
  });
});
