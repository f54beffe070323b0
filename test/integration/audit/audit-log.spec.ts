import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AuditRetention } from '@app/audit/audit-retention';
import { AuditTrail } from '@app/audit/audit-trail';
import { verifyChains } from '@app/audit/verify-chains.command';
import { AppConfig } from '@config/app-config';
import { adminHeaders, createTenant, createTestApp, TestTenant } from '@test/support/test-app';

interface Verdict {
  ok: boolean;
  checked: number;
  checkpointSeq: number;
  headSeq: number;
  firstBroken: { seq: number; reason: string } | null;
}

/** The audit log against the real PostgreSQL: chain, trigger, retention, API. */
describe('Audit log', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let trail: AuditTrail;

  beforeAll(async () => {
    app = await createTestApp({ APP_ROLE: 'api' });
    db = app.get(DataSource);
    trail = app.get(AuditTrail);
  });

  afterAll(() => app.close());

  const verify = async (tenant: TestTenant): Promise<Verdict> => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v2/audit/verify',
      headers: tenant.headers,
    });
    expect(response.statusCode).toBe(200);
    return response.json<Verdict>();
  };

  const record = (tenantId: string, action = 'test.recorded') =>
    trail.record({ action, tenantId, resource: { type: 'test', id: 'r1' } });

  /** As the superuser: what someone with database access could do behind the app's back. */
  const tamper = async (sql: string, params: unknown[]) => {
    await db.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`);
    try {
      await db.query(sql, params);
    } finally {
      await db.query(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change`);
    }
  };

  it('records who created an API key, in which request, with ids only', async () => {
    const tenant = await createTenant(app);
    const created = await app.inject({
      method: 'POST',
      url: '/api/v2/api-keys',
      headers: { ...tenant.headers, 'x-request-id': 'req-audit-create-key' },
      payload: { name: 'integration' },
    });
    expect(created.statusCode).toBe(201);
    const keyId = created.json<{ id: string }>().id;
    const revoked = await app.inject({
      method: 'DELETE',
      url: `/api/v2/api-keys/${keyId}`,
      headers: tenant.headers,
    });
    expect(revoked.statusCode).toBe(204);

    const page = await app.inject({
      method: 'GET',
      url: '/api/v2/audit?resourceType=api_key',
      headers: tenant.headers,
    });
    const items = page.json<{ items: Record<string, unknown>[] }>().items;
    expect(items.map((item) => item.action)).toEqual([
      'api_key.created',
      'api_key.created',
      'api_key.revoked',
    ]);
    expect(items[0].actor).toEqual({ kind: 'admin', id: null });
    expect(items[1]).toMatchObject({
      actor: { kind: 'api_key', id: tenant.apiKeyId },
      resource: { type: 'api_key', id: keyId },
      requestId: 'req-audit-create-key',
    });
    expect(await verify(tenant)).toMatchObject({ ok: true, firstBroken: null });
    expect(await verifyChains(db, app.get(AppConfig), tenant.id)).toEqual({
      ok: true,
      lines: [`${tenant.id}: ok (rows 1..4, 4 checked)`],
    });
  });

  it('records re-drives of failed sends and admin tenant actions', async () => {
    const tenant = await createTenant(app);
    const retried = await app.inject({
      method: 'POST',
      url: '/api/v2/messages/retry',
      headers: tenant.headers,
      payload: {},
    });
    expect(retried.statusCode).toBe(202);
    const suspended = await app.inject({
      method: 'PATCH',
      url: `/api/v2/tenants/${tenant.id}`,
      headers: adminHeaders,
      payload: { status: 'suspended' },
    });
    expect(suspended.statusCode).toBe(200);
    const rows: { action: string; actor_kind: string; actor_id: string | null }[] = await db.query(
      `SELECT action, actor_kind, actor_id FROM audit_log WHERE tenant_id = $1 ORDER BY seq`,
      [tenant.id],
    );
    expect(rows.slice(-2)).toEqual([
      { action: 'messages.retried', actor_kind: 'api_key', actor_id: tenant.apiKeyId },
      { action: 'tenant.suspended', actor_kind: 'admin', actor_id: null },
    ]);
  });

  it('pages with a cursor and never shows another tenant’s rows', async () => {
    const tenant = await createTenant(app);
    const other = await createTenant(app);
    for (let i = 0; i < 4; i += 1) await record(tenant.id);
    await record(other.id);
    const first = await app.inject({
      method: 'GET',
      url: '/api/v2/audit?action=test.recorded&limit=3',
      headers: tenant.headers,
    });
    const body = first.json<{ items: { tenantId: string }[]; nextCursor: string }>();
    expect(body.items).toHaveLength(3);
    const second = await app.inject({
      method: 'GET',
      url: `/api/v2/audit?action=test.recorded&limit=3&cursor=${body.nextCursor}`,
      headers: tenant.headers,
    });
    const rest = second.json<{ items: { tenantId: string }[]; nextCursor: string | null }>();
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
    expect([...body.items, ...rest.items].every((item) => item.tenantId === tenant.id)).toBe(true);
  });

  it('refuses UPDATE, DELETE and TRUNCATE in the database', async () => {
    const tenant = await createTenant(app);
    await record(tenant.id);
    await expect(
      db.query(`UPDATE audit_log SET action = 'x.y' WHERE tenant_id = $1`, [tenant.id]),
    ).rejects.toThrow(/append-only/);
    await expect(
      db.query(`DELETE FROM audit_log WHERE tenant_id = $1`, [tenant.id]),
    ).rejects.toThrow(/append-only/);
    await expect(db.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
  });

  it('finds a row changed directly in PostgreSQL', async () => {
    const tenant = await createTenant(app);
    await record(tenant.id);
    await record(tenant.id);
    await tamper(`UPDATE audit_log SET actor_id = 'someone-else' WHERE chain = $1 AND seq = 3`, [
      tenant.id,
    ]);
    expect(await verify(tenant)).toMatchObject({
      ok: false,
      firstBroken: { seq: 3, reason: 'hash_mismatch' },
    });
    const cli = await verifyChains(db, app.get(AppConfig), tenant.id);
    expect(cli.ok).toBe(false);
    expect(cli.lines).toEqual([
      expect.stringMatching(/BROKEN at seq 3 \(row [0-9a-f-]+\): hash_mismatch/),
    ]);
  });

  it('finds a row removed from the middle, and one re-hashed to hide a change', async () => {
    const removed = await createTenant(app);
    for (let i = 0; i < 3; i += 1) await record(removed.id);
    await tamper(`DELETE FROM audit_log WHERE chain = $1 AND seq = 3`, [removed.id]);
    expect((await verify(removed)).firstBroken).toMatchObject({ seq: 3, reason: 'seq_gap' });

    const rehashed = await createTenant(app);
    await record(rehashed.id);
    await record(rehashed.id);
    await tamper(`UPDATE audit_log SET hash = repeat('a', 64) WHERE chain = $1 AND seq = 3`, [
      rehashed.id,
    ]);
    expect((await verify(rehashed)).firstBroken).toMatchObject({ seq: 3, reason: 'hash_mismatch' });
  });

  it('keeps one valid chain under concurrent appends', async () => {
    const tenant = await createTenant(app);
    await Promise.all(Array.from({ length: 25 }, () => record(tenant.id)));
    const verdict = await verify(tenant);
    expect(verdict).toMatchObject({ ok: true, headSeq: 27 });
    expect(verdict.checked).toBe(27);
  });

  describe('retention', () => {
    it('removes a whole prefix behind a signed checkpoint and the rest still verifies', async () => {
      const tenant = await createTenant(app);
      for (let i = 0; i < 3; i += 1) await record(tenant.id, 'test.old');
      const cutoff = new Date(Date.now() + 1);
      await new Promise((resolve) => setImmediate(resolve));
      while (Date.now() <= cutoff.getTime()) await new Promise((r) => setImmediate(r));
      await record(tenant.id, 'test.new');

      const result = await app.get(AuditRetention).prune(tenant.id, cutoff);
      expect(result).toMatchObject({ removed: 5, checkpointSeq: 5 });
      await record(tenant.id, 'test.after');
      expect(await verify(tenant)).toMatchObject({
        ok: true,
        checkpointSeq: 5,
        headSeq: 8,
        checked: 3,
      });
      const [pruned]: { action: string; resource_id: string }[] = await db.query(
        `SELECT action, resource_id FROM audit_log WHERE chain = $1 AND seq = 7`,
        [tenant.id],
      );
      expect(pruned).toEqual({ action: 'audit.pruned', resource_id: '5' });
    });

    it('refuses an ordinary DELETE even of rows a checkpoint covers', async () => {
      const tenant = await createTenant(app);
      await record(tenant.id);
      await app.get(AuditRetention).prune(tenant.id, new Date(Date.now() + 60_000));
      await record(tenant.id);
      await expect(db.query(`DELETE FROM audit_log WHERE chain = $1`, [tenant.id])).rejects.toThrow(
        /append-only/,
      );
    });

    it('reports a forged checkpoint', async () => {
      const tenant = await createTenant(app);
      await record(tenant.id);
      await app.get(AuditRetention).prune(tenant.id, new Date(Date.now() + 60_000));
      await db.query(
        `UPDATE audit_checkpoints SET through_hash = repeat('b', 64) WHERE chain = $1`,
        [tenant.id],
      );
      expect((await verify(tenant)).firstBroken).toMatchObject({ reason: 'bad_checkpoint' });
    });

    it('never signs over a tampered prefix', async () => {
      const tenant = await createTenant(app);
      await record(tenant.id);
      await tamper(`UPDATE audit_log SET action = 'x.y' WHERE chain = $1 AND seq = 2`, [tenant.id]);
      const result = await app.get(AuditRetention).prune(tenant.id, new Date(Date.now() + 60_000));
      expect(result).toMatchObject({ removed: 0, refused: 'hash_mismatch' });
    });
  });

  it('lets the admin verify every chain and read the platform’s', async () => {
    const verdicts = await app.inject({
      method: 'GET',
      url: '/api/v2/audit/verify/all',
      headers: adminHeaders,
    });
    expect(verdicts.statusCode).toBe(200);
    expect(verdicts.json<{ chains: Verdict[] }>().chains.length).toBeGreaterThan(0);
    const tenant = await createTenant(app);
    const listed = await app.inject({
      method: 'GET',
      url: `/api/v2/audit/all?tenantId=${tenant.id}`,
      headers: adminHeaders,
    });
    expect(listed.json<{ items: { action: string }[] }>().items[0].action).toBe('tenant.created');
  });

  it('lists the platform chain for the admin, with and without filters', async () => {
    await trail.record({
      action: 'test.platform_action',
      tenantId: null,
      resource: { type: 'test', id: 'p1' },
    });
    for (const query of ['', '?action=test.platform_action', '?action=api_key.created']) {
      const listed = await app.inject({
        method: 'GET',
        url: `/api/v2/audit/all${query}`,
        headers: adminHeaders,
      });
      expect(listed.statusCode).toBe(200);
      const actions = listed.json<{ items: { action: string }[] }>().items.map((i) => i.action);
      if (query.includes('api_key')) expect(actions).toEqual([]);
      else expect(actions).toContain('test.platform_action');
    }
  });
});
