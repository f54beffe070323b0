import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { HostResolver } from '@core/http/host-resolver';
import { Bitrix24Fake } from '@test/fakes/bitrix/bitrix24-fake';
import { agentMessageEvent, installEvent } from '@test/fakes/bitrix/events';
import { InstagramGraphFake } from '@test/fakes/instagram/instagram-graph-fake';
import { newMid } from '@test/fakes/instagram/webhooks';
import { BITRIX_APP, until } from '@test/support/bitrix-scenario';
import { eventually } from '@test/support/eventually';
import {
  InstagramScenario,
  fakeInstagramAccount,
  startInstagramScenario,
} from '@test/support/instagram-scenario';
import { StaticHostResolver } from '@test/support/static-host-resolver';
import { TestTenant } from '@test/support/test-app';

const SHOP = fakeInstagramAccount('021', 'loja.bitrix');
const PERSON = '7000000000000021';

describe('Bitrix24 open line ↔ Instagram', () => {
  let ig: InstagramScenario;
  let app: NestFastifyApplication;
  let db: DataSource;
  let instagram: InstagramGraphFake;
  let bitrix: Bitrix24Fake;
  let tenant: TestTenant;
  let portalId: string;

  const form = (body: string) =>
    app.inject({
      method: 'POST',
      url: `/webhooks/bitrix24/${portalId}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: body,
    });

  beforeAll(async () => {
    bitrix = await Bitrix24Fake.start(BITRIX_APP);
    bitrix.addPortal('shop');
    ig = await startInstagramScenario({
      accounts: [SHOP],
      appSecret: 'app-secret-of-the-instagram-meta-app',
      queueName: 'bitrix-ig',
      connect: { name: 'shop-ig', account: SHOP },
      env: {
        BITRIX_OAUTH_URL: bitrix.oauthUrl,
        BITRIX_CLIENT_ID: BITRIX_APP.clientId,
        BITRIX_CLIENT_SECRET: BITRIX_APP.clientSecret,
      },
    });
    ({ app, db, tenant, instagram } = ig);
    const portal = await app.inject({
      method: 'POST',
      url: '/api/v2/bitrix/portals',
      headers: tenant.headers,
      payload: { name: 'shop', portalUrl: bitrix.portalUrl('shop') },
    });
    portalId = portal.json<{ id: string }>().id;
    expect((await form(installEvent(bitrix.authOf('shop')))).statusCode).toBe(200);
    await until(() => bitrix.portal('shop').bindings.length === 3, 'not installed');
    await eventually(async () => {
      const [row] = await db.query(`SELECT connector_state FROM bitrix_portals WHERE id = $1`, [
        portalId,
      ]);
      if (row?.connector_state !== 'registered') throw new Error('connector not registered');
    });
    const mapped = await app.inject({
      method: 'PUT',
      url: `/api/v2/bitrix/portals/${portalId}/lines`,
      headers: tenant.headers,
      payload: { channelAccountId: ig.accountId, lineId: '5' },
    });
    expect(mapped.statusCode).toBe(200);
  });

  afterAll(async () => {
    await ig?.close();
    await bitrix?.close();
  });

  it('mirrors a direct message to the line and sends the agent reply as an Instagram DM', async () => {
    const delivered = await ig.personSends(SHOP, PERSON, {
      message: { mid: newMid(), text: 'Oi, tem em azul?' },
    });
    expect(delivered.statusCode).toBe(200);
    const portal = bitrix.portal('shop');
    const line = await until(() => portal.messages[0], 'not mirrored');
    expect(line).toMatchObject({ line: '5', text: 'Oi, tem em azul?' });
    // No phone on Instagram: the CRM contact is created with the person's Instagram id.
    expect(portal.contacts).toEqual([expect.objectContaining({ handles: [PERSON] })]);
    expect(bitrix.callsOf('shop', 'crm.duplicate.findbycomm')).toHaveLength(0);

    const reply = agentMessageEvent(
      line,
      { imMessageId: 990001, text: 'Temos sim!' },
      bitrix.authOf('shop'),
    );
    expect((await form(reply)).statusCode).toBe(200);
    const [sent] = await until(() => instagram.sent().length > 0 && instagram.sent(), 'no DM');
    expect(sent.body).toMatchObject({ recipient: { id: PERSON }, message: { text: 'Temos sim!' } });
  });

  it("sends an agent's file as an Instagram attachment by the link Bitrix24 gives", async () => {
    const hosts = new StaticHostResolver().set('shop.bitrix24.example', ['93.184.215.21']);
    jest.spyOn(app.get(HostResolver), 'resolve').mockImplementation((host) => hosts.resolve(host));
    const line = bitrix.portal('shop').messages[0];
    const link = 'https://shop.bitrix24.example/disk/showFile/77/?token=c3';
    const before = instagram.sent().length;
    const reply = agentMessageEvent(
      line,
      {
        imMessageId: 990002,
        files: [{ name: 'azul.jpg', link, type: 'image', mime: 'image/jpeg' }],
      },
      bitrix.authOf('shop'),
    );
    expect((await form(reply)).statusCode).toBe(200);
    const sent = await until(
      () => instagram.sent().length > before && instagram.sent()[before],
      'no attachment sent',
    );
    expect(sent.body).toMatchObject({
      recipient: { id: PERSON },
      message: { attachment: { type: 'image', payload: { url: link } } },
    });
  });

  it('reflects the customer editing and then unsending a message in the chat, each once', async () => {
    const at = Date.now();
    const mid = newMid();
    const deliver = async (event: Record<string, unknown>, when: number) => {
      const response = await ig.personSends(SHOP, PERSON, event, when);
      expect(response.statusCode).toBe(200);
    };
    const portal = bitrix.portal('shop');
    await deliver({ message: { mid, text: 'Quero o tamanho P' } }, at);
    const posted = await until(
      () => portal.messages.find((m) => m.text === 'Quero o tamanho P'),
      'not mirrored',
    );

    // Meta redelivers the edit: the line is updated once.
    const edit = { message_edit: { mid, text: 'Quero o tamanho M', num_edit: 1 } };
    await deliver(edit, at + 1_000);
    await deliver(edit, at + 1_000);
    await until(() => posted.edited && posted.text === 'Quero o tamanho M', 'edit not reflected');
    expect(bitrix.callsOf('shop', 'imconnector.update.messages')).toHaveLength(1);

    await deliver({ message: { mid, is_deleted: true } }, at + 2_000);
    await until(() => posted.deleted, 'deletion not reflected');
    expect(bitrix.callsOf('shop', 'imconnector.delete.messages')).toHaveLength(1);
    // The message was posted once: the changes followed it, they did not repeat it.
    expect(
      portal.messages.filter((m) => m.externalMessageId === posted.externalMessageId),
    ).toHaveLength(1);
  });
});
