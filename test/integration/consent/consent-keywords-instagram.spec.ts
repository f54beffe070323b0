import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DEFAULT_POLICY } from '@app/consent/consent-policy';
import {
  InstagramFakeAccount,
  InstagramGraphFake,
  startInstagramGraphFake,
} from '@test/fakes/instagram/instagram-graph-fake';
import { fromPerson, instagramDelivery, newMid } from '@test/fakes/instagram/webhooks';
import { signMetaWebhook } from '@test/fakes/meta-graph/webhooks';
import { eventually } from '@test/support/eventually';

/** Waits until a synchronous assertion about what a fake received holds. */
const holds = (assertion: () => void) => eventually(() => Promise.resolve().then(assertion));
import { TestTenant, createTenant, createTestApp } from '@test/support/test-app';

const APP_SECRET = 'app-secret-of-the-consent-instagram-app';
const VERSION = 'v23.0';
const SHOP: InstagramFakeAccount = {
  igId: '17841400000000091',
  username: 'loja.consent',
  instagramToken: 'IGAAconsentInstagramUserToken091',
  pageId: '104230000000091',
  pageToken: 'EAAconsentPageAccessToken000091',
};

/** The keywords are channel-neutral: the same words work on Instagram Direct. */
describe('consent keywords on Instagram', () => {
  let app: NestFastifyApplication;
  let instagram: InstagramGraphFake;
  let facebook: InstagramGraphFake;
  let tenant: TestTenant;

  beforeAll(async () => {
    instagram = await startInstagramGraphFake({
      host: 'graph.instagram.com',
      accounts: [SHOP],
      version: VERSION,
    });
    facebook = await startInstagramGraphFake({
      host: 'graph.facebook.com',
      accounts: [SHOP],
      version: VERSION,
    });
    app = await createTestApp({
      APP_ROLE: 'all',
      META_APP_SECRET: APP_SECRET,
      INSTAGRAM_GRAPH_BASE_URL: instagram.baseUrl,
      META_GRAPH_BASE_URL: facebook.baseUrl,
      META_GRAPH_API_VERSION: VERSION,
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}consent-ig-${randomUUID()}`,
    });
    tenant = await createTenant(app);
    const connected = await app.inject({
      method: 'POST',
      url: '/api/v2/instagram/accounts',
      headers: tenant.headers,
      payload: {
        name: 'loja-ig',
        accountId: SHOP.igId,
        flavour: 'instagram-login',
        accessToken: SHOP.instagramToken,
      },
    });
    if (connected.statusCode !== 201) throw new Error(`connect failed: ${connected.body}`);
  });

  afterAll(async () => {
    await app?.close();
    await instagram?.close();
    await facebook?.close();
  });

  const personWrites = async (igsid: string, text: string) => {
    const raw = JSON.stringify(
      instagramDelivery(
        SHOP.igId,
        fromPerson(SHOP.igId, igsid, { message: { mid: newMid(), text } }),
      ),
    );
    const response = await app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaWebhook(raw, APP_SECRET),
      },
      payload: raw,
    });
    expect(response.statusCode).toBe(200);
  };
  const textsTo = (igsid: string) =>
    instagram
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
      app.inject({
        method: 'POST',
        url: '/api/v2/consent/lookup',
        headers: tenant.headers,
        payload: { contact: { channel: 'instagram', handle: igsid }, channel },
      });
    expect((await lookup('instagram')).json().allowed).toMatchObject({ service: false });
    expect((await lookup('whatsapp')).json().allowed).toMatchObject({ service: true });
  });
});
