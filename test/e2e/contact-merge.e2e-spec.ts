import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import {
  MetaBusinessNumber,
  metaMessages,
  metaMessagesWebhook,
  newWamid,
  signMetaWebhook,
} from '@test/fakes/meta-graph/webhooks';
import { eventually } from '@test/support/eventually';
import { TestTenant, createTenant, createTestApp } from '@test/support/test-app';

const APP_SECRET = 'app-secret-for-contact-merge';
const PROBLEM_JSON = /^application\/problem\+json/;

interface Placed {
  contactId: string;
  conversationId: string;
}

describe('POST /api/v2/contacts/:id/merge', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let tenant: TestTenant;
  let other: TestTenant;
  const main: MetaBusinessNumber = { phoneNumberId: `pn-${newId()}` };
  const second: MetaBusinessNumber = { phoneNumberId: `pn-${newId()}` };
  let secondAccount: string;

  beforeAll(async () => {
    app = await createTestApp({
      APP_ROLE: 'all',
      META_APP_SECRET: APP_SECRET,
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}contact-merge-${randomUUID()}`,
    });
    db = app.get(DataSource);
    tenant = await createTenant(app);
    other = await createTenant(app);
    const accounts = app.get(ChannelAccountsService);
    const create = (name: string, number: MetaBusinessNumber) =>
      accounts.create(tenant.id, {
        hub: 'whatsapp',
        provider: 'meta-cloud',
        name,
        externalId: number.phoneNumberId,
        credentials: { accessToken: `token-${name}`, wabaId: 'waba-1' },
      });
    await create('main', main);
    secondAccount = (await create('second', second)).id;
  });

  afterAll(async () => {
    await app?.close();
  });

  /** A message from this wa_id to this number; where it was stored. */
  const receive = async (
    number: MetaBusinessNumber,
    waId: string,
    text: string,
    name?: string,
  ): Promise<Placed> => {
    const wamid = newWamid();
    const raw = JSON.stringify(
      metaMessagesWebhook(
        number,
        { waId, name },
        metaMessages.text({ from: waId, id: wamid }, text),
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
    return eventually(async () => {
      const rows = await db.query<{ contactId: string; conversationId: string }[]>(
        `SELECT v.contact_id AS "contactId", v.id AS "conversationId"
           FROM messages m JOIN conversations v ON v.id = m.conversation_id
          WHERE m.provider_message_id = $1`,
        [wamid],
      );
      expect(rows).toHaveLength(1);
      return rows[0];
    });
  };

  const merge = (contactId: string, otherContactId: unknown, headers = tenant.headers) =>
    app.inject({
      method: 'POST',
      url: `/api/v2/contacts/${contactId}/merge`,
      headers,
      payload: { otherContactId },
    });

  const history = async (conversationId: string) => {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v2/conversations/${conversationId}/messages?limit=100`,
      headers: tenant.headers,
    });
    return response;
  };

  it('moves identities and conversations to the surviving contact, joins a shared account’s conversations, and removes the other', async () => {
    const ana = await receive(main, '5511970000001', 'Oi, sou a Ana', 'Ana');
    const anaAgain = await receive(main, '5511970000002', 'Meu outro número');
    const onSecond = await receive(second, '5511970000002', 'Pelo outro canal');
    expect(anaAgain.contactId).not.toBe(ana.contactId);

    const response = await merge(ana.contactId, anaAgain.contactId);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      contactId: ana.contactId,
      identitiesMoved: 2,
      conversationsMoved: 1,
      conversationsJoined: 1,
    });

    // The main account's thread holds both numbers' messages; the emptied one is gone.
    const joined = await history(ana.conversationId);
    expect(joined.json().items.map((m: { content: { text: string } }) => m.content.text)).toEqual([
      'Meu outro número',
      'Oi, sou a Ana',
    ]);
    expect((await history(anaAgain.conversationId)).statusCode).toBe(404);
    const moved = await db.query<{ contact_id: string; channel_account_id: string }[]>(
      `SELECT contact_id, channel_account_id FROM conversations WHERE id = $1`,
      [onSecond.conversationId],
    );
    expect(moved).toEqual([{ contact_id: ana.contactId, channel_account_id: secondAccount }]);
    expect(await db.query(`SELECT 1 FROM contacts WHERE id = $1`, [anaAgain.contactId])).toEqual(
      [],
    );
    const identities = await db.query<{ type: string; value: string }[]>(
      `SELECT type, value FROM contact_identities WHERE contact_id = $1 ORDER BY type, value`,
      [ana.contactId],
    );
    expect(identities).toEqual([
      { type: 'phone', value: '+5511970000001' },
      { type: 'phone', value: '+5511970000002' },
      { type: 'wa_id', value: '5511970000001' },
      { type: 'wa_id', value: '5511970000002' },
    ]);
    const events = await db.query<{ contact_id: string }[]>(
      `SELECT contact_id FROM domain_events WHERE type = 'contact.updated' AND stream_id = $1`,
      [ana.contactId],
    );
    expect(events).toHaveLength(1);

    // The merged number's next message lands on the surviving contact's thread.
    const later = await receive(main, '5511970000002', 'Voltei');
    expect(later).toEqual(ana);
  });

  it("answers 404 for another tenant's contact in the path and 422 naming otherContactId for one the tenant does not have, changing nothing", async () => {
    const mine = await receive(main, '5511970000011', 'Olá');
    const yours = await receive(main, '5511970000012', 'Olá também');

    const foreignPath = await merge(mine.contactId, yours.contactId, other.headers);
    expect(foreignPath.statusCode).toBe(404);
    expect(foreignPath.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(foreignPath.json().code).toBe('CONTACT.NOT_FOUND');

    const unknownOther = await merge(mine.contactId, randomUUID());
    expect(unknownOther.statusCode).toBe(422);
    expect(unknownOther.json()).toMatchObject({
      code: 'CONTACT.MERGE_SOURCE_NOT_FOUND',
      errors: [{ field: 'otherContactId' }],
    });

    const self = await merge(mine.contactId, mine.contactId);
    expect(self.statusCode).toBe(400);
    expect((await merge(mine.contactId, 'not-a-uuid')).statusCode).toBe(400);

    const contacts = await db.query(`SELECT id FROM contacts WHERE id IN ($1, $2)`, [
      mine.contactId,
      yours.contactId,
    ]);
    expect(contacts).toHaveLength(2);

    // Merging again once merged: the other is gone, so 422, not a second merge.
    expect((await merge(mine.contactId, yours.contactId)).statusCode).toBe(200);
    expect((await merge(mine.contactId, yours.contactId)).statusCode).toBe(422);
  });
});
