import { MediaLinks } from '@app/messaging/media/media-links';
import { metaMessages, metaMessagesWebhook } from '@test/fakes/meta-graph/webhooks';
import { BitrixScenario, startBitrixScenario, until } from '@test/support/bitrix-scenario';
import { createTenant } from '@test/support/test-app';

const CUSTOMER = '5511987650002';
const PHOTO = Buffer.from('\xff\xd8\xff\xe0 a customer photo', 'latin1');

describe('Bitrix24 open line: customer media by signed link', () => {
  let s: BitrixScenario;
  let link: string;
  let messageId: string;

  beforeAll(async () => {
    s = await startBitrixScenario();
    const mediaId = s.graph.addMedia(s.number.phoneNumberId, {
      mimeType: 'image/jpeg',
      body: PHOTO,
    });
    const wamid = 'wamid.media-photo-1';
    const response = await s.webhook(
      metaMessagesWebhook(
        s.number,
        { waId: CUSTOMER, name: 'Maria' },
        metaMessages.image({ from: CUSTOMER, id: wamid }, mediaId, 'o recibo'),
      ),
    );
    expect(response.statusCode).toBe(200);
    const portal = s.bitrix.portal('acme');
    const mirrored = await until(
      () => portal.messages.find((m) => m.files.length > 0),
      'photo not mirrored',
    );
    link = mirrored.files[0];
    messageId = mirrored.externalMessageId;
  });
  afterAll(() => s.close());

  const get = (url: string) => {
    const { pathname, search } = new URL(url);
    return s.app.inject({ method: 'GET', url: pathname + search });
  };
  /** The link with some of its query replaced. */
  const altered = (changes: Record<string, string>) => {
    const url = new URL(link);
    for (const [name, value] of Object.entries(changes)) url.searchParams.set(name, value);
    return url.toString();
  };

  it('posts the photo to the line as a file link with its caption as the text', () => {
    const mirrored = s.bitrix.portal('acme').messages.find((m) => m.files.length > 0);
    expect(mirrored?.text).toBe('o recibo');
    expect(link).toMatch(/^https?:\/\/[^/]+\/api\/v2\/media\/[0-9a-f-]{36}\?/);
    // The link names no API key: it is the credential.
    expect(link).not.toContain(s.tenant.apiKey);
  });

  it('serves the bytes behind the link without an API key', async () => {
    const response = await get(link);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('image/jpeg');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.rawPayload.equals(PHOTO)).toBe(true);
  });

  it('refuses an expired link with 401', async () => {
    const links = s.app.get(MediaLinks);
    const expired = links.link(
      { tenantId: s.tenant.id, messageId },
      Date.now() - 30 * 24 * 3600 * 1000,
    );
    const response = await get(expired);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'MESSAGING.MEDIA_LINK_INVALID' });
  });

  it('refuses a link whose signature or expiry was altered with 401', async () => {
    const expires = String(Number(new URL(link).searchParams.get('expires')) + 3600);
    const signature = new URL(link).searchParams.get('signature')!;
    const forged = [
      altered({ signature: 'A'.repeat(signature.length) }),
      altered({ expires }),
      altered({ kid: 'unknown-key' }),
      link.split('?')[0],
    ];
    for (const url of forged) expect((await get(url)).statusCode).toBe(401);
  });

  it("cannot be turned into a link to another tenant's message", async () => {
    const other = await createTenant(s.app);
    // This tenant's message under the attacker's own tenant id: the signature no longer fits.
    expect((await get(altered({ tenant: other.id }))).statusCode).toBe(401);
    // Even a genuinely signed link naming the other tenant finds nothing of this tenant's.
    const signed = s.app.get(MediaLinks).link({ tenantId: other.id, messageId });
    expect((await get(signed)).statusCode).toBe(404);
  });
});
