import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { createTenant, createTestApp, TestTenant } from '@test/support/test-app';

const RULE = {
  name: '2 h antes',
  offsetMinutes: 120,
  template: { name: 'lembrete_consulta', language: 'pt_BR' },
  bodyParameters: ['contact_name', 'time'],
  buttons: ['confirm', 'cancel'],
  confirmationTexts: {
    confirm: 'Confirmado!',
    reschedule: 'Vamos remarcar.',
    cancel: 'Cancelado.',
  },
};

describe('reminder rules routes', () => {
  let app: NestFastifyApplication;
  let tenant: TestTenant;
  let other: TestTenant;
  let whatsappAccount: string;
  let instagramAccount: string;

  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
    who: TestTenant = tenant,
  ) => app.inject({ method, url, payload, headers: who.headers });

  /** A stored account of the hub (its routes are not what these tests are about). */
  const account = async (hub: 'whatsapp' | 'instagram', name: string): Promise<string> => {
    const id = newId();
    await app.get(DataSource).query(
      `INSERT INTO channel_accounts (id, tenant_id, hub, provider, name, external_id, credentials)
         VALUES ($1, $2, $3, 'rules-test', $4, $5, 'unused')`,
      [id, tenant.id, hub, name, id],
    );
    return id;
  };

  beforeAll(async () => {
    app = await createTestApp();
    tenant = await createTenant(app);
    other = await createTenant(app);
    whatsappAccount = await account('whatsapp', 'clinica-wa');
    instagramAccount = await account('instagram', 'clinica-ig');
  });
  afterAll(() => app.close());

  it('creates, reads, replaces and deletes a rule, naming the account by id or name', async () => {
    const created = await call('POST', '/api/v2/calendar/reminder-rules', {
      ...RULE,
      channelAccountId: 'clinica-wa',
    });
    expect(created.statusCode).toBe(201);
    const rule = created.json<{ id: string }>();
    expect(rule).toMatchObject({ ...RULE, channelAccountId: whatsappAccount, enabled: true });

    const replaced = await call('PUT', `/api/v2/calendar/reminder-rules/${rule.id}`, {
      ...RULE,
      offsetMinutes: 1440,
      channelAccountId: whatsappAccount,
      enabled: false,
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ offsetMinutes: 1440, enabled: false });
    expect((await call('GET', '/api/v2/calendar/reminder-rules')).json()).toHaveLength(1);

    expect((await call('DELETE', `/api/v2/calendar/reminder-rules/${rule.id}`)).statusCode).toBe(
      204,
    );
    const gone = await call('GET', `/api/v2/calendar/reminder-rules/${rule.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('CALENDAR.REMINDER_RULE_NOT_FOUND');
  });

  it("answers 404 for another tenant's rule", async () => {
    const created = await call('POST', '/api/v2/calendar/reminder-rules', {
      ...RULE,
      channelAccountId: whatsappAccount,
    });
    const id = created.json<{ id: string }>().id;
    for (const method of ['GET', 'DELETE'] as const) {
      const answer = await call(method, `/api/v2/calendar/reminder-rules/${id}`, undefined, other);
      expect(answer.statusCode).toBe(404);
    }
    expect((await call('GET', `/api/v2/calendar/reminder-rules/${id}`)).statusCode).toBe(200);
  });

  it('refuses a non-WhatsApp account and malformed rules, naming the field', async () => {
    const instagram = await call('POST', '/api/v2/calendar/reminder-rules', {
      ...RULE,
      channelAccountId: instagramAccount,
    });
    expect(instagram.statusCode).toBe(422);
    expect(instagram.json().code).toBe('CALENDAR.REMINDER_ACCOUNT_NOT_WHATSAPP');

    const malformed = await call('POST', '/api/v2/calendar/reminder-rules', {
      ...RULE,
      channelAccountId: whatsappAccount,
      offsetMinutes: 0,
      buttons: ['delete'],
    });
    expect(malformed.statusCode).toBe(400);
    const fields = malformed.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['offsetMinutes', 'buttons']));

    // Found by the fuzzer (seed 484848187): without its confirmation texts a rule answered 500.
    const { confirmationTexts: _left, ...withoutTexts } = RULE;
    const incomplete = await call('POST', '/api/v2/calendar/reminder-rules', {
      ...withoutTexts,
      channelAccountId: whatsappAccount,
    });
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(incomplete.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual([
      'confirmationTexts',
    ]);
  });
});
