import { BitrixScenario, LINE, startBitrixScenario, until } from '@test/support/bitrix-scenario';
import { eventually } from '@test/support/eventually';
import { createTenant } from '@test/support/test-app';

const CUSTOMER = '5511987650003';

describe('Bitrix24 mirror dead letters and portal URLs', () => {
  let s: BitrixScenario;

  beforeAll(async () => {
    s = await startBitrixScenario({ BITRIX_MIRROR_MAX_ATTEMPTS: '2' });
  });
  afterAll(() => s.close());

  const deadLetters = (headers = s.tenant.headers) =>
    s.app.inject({ url: `/api/v2/bitrix/portals/${s.portalId}/dead-letters`, headers });

  it('shows a message the line kept refusing as a dead letter and posts it once when re-driven', async () => {
    const portal = s.bitrix.portal('acme');
    const lines = portal.connectors.get('omnihub')!.lines;
    // The connector switched off on the line at the portal: every send is refused.
    lines.delete(LINE);
    await s.customerWrites(CUSTOMER, 'Ninguém me responde?', 'Rita');
    const [dead] = await eventually(async () => {
      const list = (await deadLetters()).json<{ attempts: number; lastError: string }[]>();
      if (list.length !== 1) throw new Error('no dead letter yet');
      return list;
    });
    expect(dead).toMatchObject({ change: 'send', lineId: LINE, attempts: 2 });
    expect(dead.lastError).toContain('NOT_ACTIVE_LINE');
    expect(s.bitrix.callsOf('acme', 'imconnector.send.messages')).toHaveLength(2);
    expect(portal.messages).toHaveLength(0);

    // Another tenant neither sees nor re-drives them.
    const other = await createTenant(s.app);
    expect((await deadLetters(other.headers)).statusCode).toBe(404);

    lines.set(LINE, null);
    const redriven = await s.app.inject({
      method: 'POST',
      url: `/api/v2/bitrix/portals/${s.portalId}/dead-letters/redrive`,
      headers: s.tenant.headers,
      payload: {},
    });
    expect(redriven.json()).toEqual({ redriven: 1 });
    await until(() => portal.messages.length === 1, 'not posted after the re-drive');
    expect(portal.messages[0].text).toBe('Ninguém me responde?');
    expect((await deadLetters()).json()).toEqual([]);
  });

  it.each([
    ['http://bitrix.example.com', 'must use https'],
    ['https://10.20.30.40', 'private'],
    ['https://metadata.google.internal', 'internal'],
  ])('refuses a portal at %s', async (portalUrl, why) => {
    const response = await s.app.inject({
      method: 'POST',
      url: '/api/v2/bitrix/portals',
      headers: s.tenant.headers,
      payload: { name: `refused-${Math.abs(portalUrl.length)}`, portalUrl },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'BITRIX.PORTAL_URL_REFUSED' });
    expect(response.json().detail).toContain(why);
  });
});
