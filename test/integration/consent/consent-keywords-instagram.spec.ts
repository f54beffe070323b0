import { DEFAULT_POLICY } from '@app/consent/consent-policy';
import { newMid } from '@test/fakes/instagram/webhooks';
import { eventually } from '@test/support/eventually';
import {
  InstagramScenario,
  fakeInstagramAccount,
  startInstagramScenario,
} from '@test/support/instagram-scenario';

/** Waits until a synchronous assertion about what a fake received holds. */
const holds = (assertion: () => void) => eventually(() => Promise.resolve().then(assertion));

const SHOP = fakeInstagramAccount('091', 'loja.consent');

/** The keywords are channel-neutral: the same words work on Instagram Direct. */
describe('consent keywords on Instagram', () => {
  let ig: InstagramScenario;

  beforeAll(async () => {
    ig = await startInstagramScenario({
      accounts: [SHOP],
      appSecret: 'app-secret-of-the-consent-instagram-app',
      queueName: 'consent-ig',
      connect: { name: 'loja-ig', account: SHOP },
    });
  });

  afterAll(async () => {
    await ig?.close();
  });

  const personWrites = async (igsid: string, text: string) => {
    const response = await ig.personSends(SHOP, igsid, { message: { mid: newMid(), text } });
    expect(response.statusCode).toBe(200);
  };
  const textsTo = (igsid: string) =>
    ig.instagram
      .sent()
      .filter((sent) => (sent.body.recipient as { id?: string } | undefined)?.id === igsid)
      .map((sent) => (sent.body.message as { text?: string }).text);

  it('withdraws consent on Instagram only and confirms once', async () => {
    const igsid = '7000000000000091';
    await personWrites(igsid, 'Unsubscribe!');

    await holds(() => {
      expect(textsTo(igsid)).toEqual([DEFAULT_POLICY.optOutConfirmation]);
    });
    const lookup = (channel: string) =>
      ig.app.inject({
        method: 'POST',
        url: '/api/v2/consent/lookup',
        headers: ig.tenant.headers,
        payload: { contact: { channel: 'instagram', handle: igsid }, channel },
      });
    expect((await lookup('instagram')).json().allowed).toMatchObject({ service: false });
    expect((await lookup('whatsapp')).json().allowed).toMatchObject({ service: true });
  });
});
