import type { OutboundMessage } from '@core/channel/outbound-message';
import { EvolutionProvider } from '@app/whatsapp/evolution/evolution.provider';
import type { EvolutionFake } from '@test/fakes/evolution/evolution-fake';
import {
  LINKS_REFUSED_AT_ACCEPT,
  LINKS_REFUSED_AT_SEND,
  withHostileNames,
} from '@test/support/hostile-media-links';
import { SHOP, accountFor, failureOf, startEvolution } from './evolution-harness';

const TO = '+5511987654321';

/** Evolution downloads media itself, from inside our network: the links it gets are guarded. */
describe('EvolutionProvider media links', () => {
  let fake: EvolutionFake;
  let provider: EvolutionProvider;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const started = await startEvolution();
    ({ fake, close } = started);
    withHostileNames(started.hosts);
    provider = started.moduleRef.get(EvolutionProvider);
  });

  afterAll(async () => close?.());

  const image = (url: string): OutboundMessage => ({
    id: 'msg-link',
    to: TO,
    type: 'image',
    media: { url },
  });

  it.each([...LINKS_REFUSED_AT_ACCEPT, ...LINKS_REFUSED_AT_SEND])(
    'refuses %s permanently, without calling Evolution',
    async (url) => {
      const before = fake.requests.length;
      const error = await failureOf(provider.send(accountFor(fake, SHOP), image(url)));
      expect(error.code).toBe('MEDIA.LINK_REFUSED');
      expect(error.failure).toBe('rejected');
      expect(error.retryable).toBe(false);
      expect(fake.requests.length).toBe(before);
    },
  );

  it('guards voice notes the same way', async () => {
    const before = fake.requests.length;
    const error = await failureOf(
      provider.send(accountFor(fake, SHOP), {
        id: 'msg-audio',
        to: TO,
        type: 'audio',
        media: { url: 'https://rebind.example.com/a.ogg' },
      }),
    );
    expect(error.code).toBe('MEDIA.LINK_REFUSED');
    expect(fake.requests.length).toBe(before);
  });

  it('hands a public https link to Evolution unchanged', async () => {
    const url = 'https://cdn.example.com/fotos/p%C3%A3o.jpg?sig=AbC-_9&exp=1772400000';
    await provider.send(accountFor(fake, SHOP), image(url));
    expect(fake.requests.at(-1)!.json).toMatchObject({ mediatype: 'image', media: url });
  });
});
