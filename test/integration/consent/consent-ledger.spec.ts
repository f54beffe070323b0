import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { newId } from '@core/database/ids';
import { createTenant, createTestApp, TestTenant } from '@test/support/test-app';

/** The consent ledger through its routes, on the real app and PostgreSQL. */
describe('consent ledger', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let tenant: TestTenant;
  let other: TestTenant;
  let phoneCounter = 0;

  beforeAll(async () => {
    app = await createTestApp({ APP_ROLE: 'api' });
    db = app.get(DataSource);
    tenant = await createTenant(app);
    other = await createTenant(app);
  });

  afterAll(() => app.close());

  const newPhone = () => `+55319876${String(++phoneCounter).padStart(4, '0')}${process.pid % 10}`;
  const post = (url: string, payload: Record<string, unknown>, who = tenant) =>
    app.inject({ method: 'POST', url: `/api/v2/consent/${url}`, headers: who.headers, payload });
  const get = (url: string, who = tenant) =>
    app.inject({ method: 'GET', url: `/api/v2/consent/${url}`, headers: who.headers });

  it('records a decision by phone with its evidence and actor, creating the contact', async () => {
    const phone = newPhone();
    const recorded = await post('records', {
      contact: { phone },
      purpose: 'marketing',
      channel: 'whatsapp',
      state: 'granted',
      evidence: {
        wording: 'Aceito receber ofertas pelo WhatsApp.',
        ipAddress: '203.0.113.7',
        userAgent: 'Mozilla/5.0',
      },
    });

    expect(recorded.statusCode).toBe(201);
    expect(recorded.json()).toMatchObject({
      purpose: 'marketing',
      channel: 'whatsapp',
      state: 'granted',
      source: 'api',
      actor: `api-key:${tenant.apiKeyId}`,
      evidence: { wording: 'Aceito receber ofertas pelo WhatsApp.', ipAddress: '203.0.113.7' },
    });
    const contactId = recorded.json().contactId;
    const current = await get(`contacts/${contactId}?channel=whatsapp`);
    expect(current.json()).toMatchObject({
      contactId,
      decisions: [{ purpose: 'marketing', channel: 'whatsapp', state: 'granted' }],
      allowed: { service: true, marketing: true, reminders: true },
    });
    expect((await get(`contacts/${contactId}?channel=instagram`)).json().allowed.marketing).toBe(
      false,
    );
    const lookedUp = await post('lookup', { contact: { phone }, channel: 'whatsapp' });
    expect(lookedUp.json().contactId).toBe(contactId);
  });

  it('keeps the history newest first in pages, while the current state holds the latest', async () => {
    const phone = newPhone();
    const first = await post('records', {
      contact: { phone },
      purpose: 'marketing',
      state: 'granted',
    });
    const contactId = first.json().contactId;
    await post(`contacts/${contactId}`, { purpose: 'marketing', state: 'withdrawn' });

    const page1 = await get(`contacts/${contactId}/history?limit=1`);
    expect(page1.json().items).toEqual([expect.objectContaining({ state: 'withdrawn' })]);
    const page2 = await get(
      `contacts/${contactId}/history?limit=1&cursor=${page1.json().nextCursor}`,
    );
    expect(page2.json()).toEqual({
      items: [expect.objectContaining({ state: 'granted' })],
      nextCursor: null,
    });
    expect((await get(`contacts/${contactId}`)).json().decisions).toEqual([
      expect.objectContaining({ purpose: 'marketing', channel: '*', state: 'withdrawn' }),
    ]);
  });

  it('audits each decision with the contact id and the caller, never the phone or wording', async () => {
    const phone = newPhone();
    const granted = await post('records', {
      contact: { phone },
      purpose: 'marketing',
      state: 'granted',
      evidence: { wording: 'Aceito ofertas.' },
    });
    const contactId = granted.json().contactId;
    await post('records', { contact: { id: contactId }, purpose: 'marketing', state: 'withdrawn' });

    const rows: Record<string, unknown>[] = await db.query(
      `SELECT action, resource_type, resource_id, actor_kind, actor_id FROM audit_log
        WHERE tenant_id = $1 AND resource_id = $2 ORDER BY seq`,
      [tenant.id, contactId],
    );
    expect(rows).toEqual(
      ['consent.granted', 'consent.withdrawn'].map((action) => ({
        action,
        resource_type: 'contact',
        resource_id: contactId,
        actor_kind: 'api_key',
        actor_id: tenant.apiKeyId,
      })),
    );
    const leaked: unknown[] = await db.query(
      `SELECT 1 FROM audit_log WHERE tenant_id = $1 AND row_to_json(audit_log)::text LIKE $2`,
      [tenant.id, `%${phone.slice(1)}%`],
    );
    expect(leaked).toEqual([]);
  });

  it("carries a merged contact's withdrawal over to the survivor, so STOP still stops", async () => {
    // The same person as two contacts: marketing granted on one, withdrawn on the other later.
    const granted = await post('records', {
      contact: { phone: newPhone() },
      purpose: 'marketing',
      state: 'granted',
      occurredAt: '2026-11-01T10:00:00Z',
    });
    const withdrawn = await post('records', {
      contact: { phone: newPhone() },
      purpose: 'marketing',
      state: 'withdrawn',
      occurredAt: '2026-11-02T10:00:00Z',
    });
    const survivor = granted.json().contactId;
    const absorbed = withdrawn.json().contactId;

    const merged = await app.inject({
      method: 'POST',
      url: `/api/v2/contacts/${survivor}/merge`,
      headers: tenant.headers,
      payload: { otherContactId: absorbed },
    });

    expect(merged.statusCode).toBe(200);
    expect((await get(`contacts/${survivor}`)).json()).toMatchObject({
      decisions: [{ purpose: 'marketing', channel: '*', state: 'withdrawn' }],
      allowed: { marketing: false },
    });
    const history = (await get(`contacts/${survivor}/history`)).json().items;
    expect(history).toEqual([
      expect.objectContaining({
        state: 'withdrawn',
        evidence: expect.objectContaining({
          mergedFrom: { contactId: absorbed, eventId: withdrawn.json().id },
        }),
      }),
      expect.objectContaining({ state: 'granted' }),
    ]);
  });

  it('refuses to change a history row in PostgreSQL', async () => {
    const recorded = await post('records', {
      contact: { phone: newPhone() },
      purpose: 'service',
      state: 'withdrawn',
    });
    await expect(
      db.query(`UPDATE consent_events SET state = 'granted' WHERE id = $1`, [recorded.json().id]),
    ).rejects.toThrow(/append-only/);
  });

  it("answers 404 for another tenant's contact and for an unknown phone", async () => {
    const recorded = await post('records', {
      contact: { phone: newPhone() },
      purpose: 'marketing',
      state: 'granted',
    });
    const contactId = recorded.json().contactId;

    expect((await get(`contacts/${contactId}`, other)).statusCode).toBe(404);
    expect((await get(`contacts/${contactId}/history`, other)).statusCode).toBe(404);
    expect(
      (await post(`contacts/${contactId}`, { purpose: 'marketing', state: 'withdrawn' }, other))
        .statusCode,
    ).toBe(404);
    expect((await post('lookup', { contact: { phone: newPhone() } })).statusCode).toBe(404);
    expect((await get(`contacts/${newId()}`)).statusCode).toBe(404);
  });

  it('names an Instagram contact by its handle on the channel', async () => {
    const handle = `17841${Date.now()}`.slice(0, 16);
    const recorded = await post('records', {
      contact: { channel: 'instagram', handle },
      purpose: 'marketing',
      channel: 'instagram',
      state: 'granted',
    });
    expect(recorded.statusCode).toBe(201);

    const lookedUp = await post('lookup', {
      contact: { channel: 'instagram', handle },
      channel: 'instagram',
    });
    expect(lookedUp.json()).toMatchObject({
      contactId: recorded.json().contactId,
      allowed: { marketing: true },
    });
  });

  it('refuses a purpose the tenant never declared until its policy declares it', async () => {
    const decision = { contact: { phone: newPhone() }, purpose: 'newsletter', state: 'granted' };
    expect((await post('records', decision)).json().code).toBe('CONSENT.UNKNOWN_PURPOSE');

    const policy = await app.inject({
      method: 'PUT',
      url: '/api/v2/consent/policy',
      headers: other.headers,
      payload: { purposes: { newsletter: 'requires_grant' } },
    });
    expect(policy.json().purposes).toEqual({
      service: 'allowed',
      marketing: 'requires_grant',
      reminders: 'follows_service',
      newsletter: 'requires_grant',
    });
    expect((await post('records', decision, other)).statusCode).toBe(201);
  });

  it('refuses a policy whose service follows itself or whose keywords clash', async () => {
    const refused = await app.inject({
      method: 'PUT',
      url: '/api/v2/consent/policy',
      headers: tenant.headers,
      payload: {
        purposes: { service: 'follows_service', 'Bad Name': 'allowed' },
        optOutKeywords: ['Parar'],
        optInKeywords: ['PARAR!'],
      },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors.map((e: { field: string }) => e.field)).toEqual([
      'purposes.service',
      'purposes.Bad Name',
      'optInKeywords[0]',
    ]);
  });

  describe('import', () => {
    it('records JSON rows one by one and reports each, a repeated file as duplicates', async () => {
      const [a, b] = [newPhone(), newPhone()];
      const rows = [
        {
          contact: { phone: a },
          purpose: 'marketing',
          state: 'granted',
          occurredAt: '2026-10-01T12:00:00Z',
        },
        {
          contact: { phone: b },
          purpose: 'marketing',
          state: 'maybe',
          occurredAt: '2026-10-01T12:00:00Z',
        },
        { contact: { id: newId() }, purpose: 'marketing', state: 'granted' },
        { contact: { phone: b }, purpose: 'surveys', state: 'granted' },
      ];

      const first = await post('import', { rows });

      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ recorded: 1, duplicates: 0, rejected: 3 });
      expect(first.json().rows).toEqual([
        expect.objectContaining({ row: 0, status: 'recorded' }),
        expect.objectContaining({
          row: 1,
          status: 'invalid',
          errors: [expect.objectContaining({ field: 'state' })],
        }),
        expect.objectContaining({ row: 2, status: 'not_found' }),
        expect.objectContaining({
          row: 3,
          status: 'invalid',
          errors: [expect.objectContaining({ field: 'purpose' })],
        }),
      ]);
      const again = await post('import', { rows: rows.slice(0, 1) });
      expect(again.json().rows).toEqual([expect.objectContaining({ row: 0, status: 'duplicate' })]);
      const history = await get(`contacts/${first.json().rows[0].contactId}/history`);
      expect(history.json().items).toEqual([expect.objectContaining({ source: 'import' })]);
    });

    it('does not let an older imported decision override a newer one', async () => {
      const phone = newPhone();
      const granted = await post('records', {
        contact: { phone },
        purpose: 'marketing',
        state: 'granted',
      });

      await post('import', {
        rows: [
          {
            contact: { phone },
            purpose: 'marketing',
            state: 'withdrawn',
            occurredAt: '2025-01-01T00:00:00Z',
          },
        ],
      });

      const contactId = granted.json().contactId;
      expect((await get(`contacts/${contactId}`)).json().allowed.marketing).toBe(true);
      expect((await get(`contacts/${contactId}/history`)).json().items).toHaveLength(2);
    });

    it('reads CSV with quoted fields, reporting rows by their index', async () => {
      const phone = newPhone();
      const csv = [
        'phone,purpose,channel,state,occurred_at,wording',
        `${phone},marketing,whatsapp,granted,2026-09-01T10:00:00Z,"Aceito ofertas, promoções\ne novidades"`,
        `${phone},reminders,*,nope,,`,
      ].join('\r\n');

      const imported = await app.inject({
        method: 'POST',
        url: '/api/v2/consent/import/csv',
        headers: { ...tenant.headers, 'content-type': 'text/csv; charset=utf-8' },
        payload: csv,
      });

      expect(imported.statusCode).toBe(200);
      expect(imported.json().rows).toEqual([
        expect.objectContaining({ row: 0, status: 'recorded' }),
        expect.objectContaining({ row: 1, status: 'invalid' }),
      ]);
      const history = await get(`contacts/${imported.json().rows[0].contactId}/history`);
      expect(history.json().items[0].evidence).toEqual({
        wording: 'Aceito ofertas, promoções\ne novidades',
      });
    });

    it('refuses a CSV with a column it does not know', async () => {
      const refused = await app.inject({
        method: 'POST',
        url: '/api/v2/consent/import/csv',
        headers: { ...tenant.headers, 'content-type': 'text/csv' },
        payload: 'telefone,purpose,state\n+5511,marketing,granted',
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().errors[0].message).toMatch(/unknown columns telefone/);
    });
  });
});
