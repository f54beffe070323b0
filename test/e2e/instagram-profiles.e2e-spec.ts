import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { InstagramProfileRetryTask } from '@app/instagram/profiles/instagram-profile-retry.task';
import { InstagramGraphFake } from '@test/fakes/instagram/instagram-graph-fake';
import { newMid } from '@test/fakes/instagram/webhooks';
import { eventually } from '@test/support/eventually';
import {
  INSTAGRAM_GRAPH_VERSION as VERSION,
  InstagramScenario,
  fakeInstagramAccount,
  startInstagramScenario,
} from '@test/support/instagram-scenario';
import { TestTenant } from '@test/support/test-app';

const SHOP = fakeInstagramAccount('031', 'loja.perfis');
const ANA = '7000000000000301';
const BRUNO = '7000000000000302';
const CAIO = '7000000000000303';
const UNKNOWN = '7000000000000304';
const ANA_PIC = 'https://scontent.cdninstagram.com/v/t51/ana.jpg?oh=signed&oe=6A1B2C3D';

interface ContactRow {
  id: string;
  display_name: string | null;
  avatar_url: string | null;
}
interface LookupRow {
  status: string;
  attempts: number;
  next_attempt_at: Date | null;
}

describe('Instagram contact profiles (name and picture from the profile lookup)', () => {
  let ig: InstagramScenario;
  let app: NestFastifyApplication;
  let db: DataSource;
  let instagram: InstagramGraphFake;
  let tenant: TestTenant;
  let accountId: string;

  beforeAll(async () => {
    ig = await startInstagramScenario({
      accounts: [SHOP],
      users: [
        { igsid: ANA, name: 'Ana Lima', username: 'ana.lima', profilePic: ANA_PIC },
        { igsid: BRUNO, username: 'bruno.s' },
        { igsid: CAIO, name: 'Caio Prado' },
      ],
      appSecret: 'app-secret-of-the-instagram-profiles-app',
      queueName: 'ig-profiles',
      connect: { name: 'shop-ig', account: SHOP },
    });
    ({ app, db, tenant, instagram, accountId } = ig);
  });

  afterAll(async () => {
    await ig?.close();
  });

  const receive = async (igsid: string, text: string) => {
    const response = await ig.personSends(SHOP, igsid, { message: { mid: newMid(), text } });
    expect(response.statusCode).toBe(200);
  };

  const contactOf = (igsid: string) =>
    eventually(async () => {
      const rows = await db.query<ContactRow[]>(
        `SELECT c.id, c.display_name, c.avatar_url FROM contacts c
           JOIN contact_identities i ON i.contact_id = c.id
          WHERE c.tenant_id = $1 AND i.type = 'igsid' AND i.value = $2`,
        [tenant.id, igsid],
      );
      expect(rows).toHaveLength(1);
      return rows[0];
    });

  const storedMessages = async (igsid: string) => {
    const [{ count }] = await db.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM messages m
         JOIN conversations v ON v.id = m.conversation_id
         JOIN contact_identities i ON i.contact_id = v.contact_id
        WHERE m.channel_account_id = $1 AND i.type = 'igsid' AND i.value = $2`,
      [accountId, igsid],
    );
    return count;
  };

  const lookupOf = (contactId: string) =>
    eventually(async () => {
      const rows = await db.query<LookupRow[]>(
        `SELECT status, attempts, next_attempt_at FROM instagram_profile_lookups
          WHERE contact_id = $1`,
        [contactId],
      );
      expect(rows[0]?.status).toMatch(/done|failed/);
      return rows[0];
    });

  const lookups = (igsid: string) =>
    instagram.requests.filter((request) => request.path === `/${VERSION}/${igsid}`);

  it('names a new contact and gives it a picture, looking the person up once however often they write', async () => {
    await Promise.all([receive(ANA, 'Oi'), receive(ANA, 'Tem em azul?')]);
    await receive(ANA, 'Obrigada');
    const contact = await eventually(async () => {
      const row = await contactOf(ANA);
      expect(row.display_name).toBe('Ana Lima');
      return row;
    });
    expect(contact.avatar_url).toBe(ANA_PIC);
    expect(await lookupOf(contact.id)).toMatchObject({ status: 'done', attempts: 1 });
    expect(lookups(ANA)).toHaveLength(1);
    expect(lookups(ANA)[0].query).toEqual({ fields: 'name,username,profile_pic' });
    expect(lookups(ANA)[0].headers.authorization).toBe(`Bearer ${SHOP.instagramToken}`);

    const [{ count }] = await db.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM domain_events
        WHERE type = 'contact.updated' AND contact_id = $1`,
      [contact.id],
    );
    expect(count).toBe(1);
    const list = await app.inject({
      method: 'GET',
      url: `/api/v2/conversations?channelAccountId=${accountId}&contactId=${contact.id}`,
      headers: tenant.headers,
    });
    expect(list.json().items[0].contact).toMatchObject({
      displayName: 'Ana Lima',
      avatarUrl: ANA_PIC,
    });
  });

  it('takes the username when the person has no name', async () => {
    await receive(BRUNO, 'Olá');
    await eventually(async () => expect((await contactOf(BRUNO)).display_name).toBe('bruno.s'));
  });

  it('stores the message when the lookup fails, and the retry task completes the contact later', async () => {
    instagram.failNext(1, '1200');
    await receive(CAIO, 'Bom dia');
    const contact = await contactOf(CAIO);
    const failed = await lookupOf(contact.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.next_attempt_at).not.toBeNull();
    expect(await storedMessages(CAIO)).toBe(1);
    expect((await contactOf(CAIO)).display_name).toBeNull();

    // Not due yet: the task leaves it.
    const task = app.get(InstagramProfileRetryTask);
    await task.run();
    expect(lookups(CAIO)).toHaveLength(1);

    await db.query(
      `UPDATE instagram_profile_lookups SET next_attempt_at = now() WHERE contact_id = $1`,
      [contact.id],
    );
    expect(await task.run()).toMatchObject({ enriched: 1 });
    expect((await contactOf(CAIO)).display_name).toBe('Caio Prado');
    expect(await lookupOf(contact.id)).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('leaves a person Instagram does not show (code 100) without retrying', async () => {
    await receive(UNKNOWN, 'Oi?');
    const contact = await contactOf(UNKNOWN);
    const left = await lookupOf(contact.id);
    expect(left).toMatchObject({ status: 'failed', attempts: 1, next_attempt_at: null });
    expect(await storedMessages(UNKNOWN)).toBe(1);
    expect(contact.display_name).toBeNull();
  });
});
