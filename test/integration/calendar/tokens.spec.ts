import { DataSource } from 'typeorm';
import { CalendarTokens } from '@app/calendar/connection/calendar-tokens';
import { CalendarConnectionsRepository } from '@app/calendar/connection/calendar-connections.repository';
import type { TestTenant } from '@test/support/test-app';
import { CalendarScene, connectedTenant, startCalendarScene } from './calendar-harness';

const WEEK = 'from=2026-03-09T00:00:00Z&to=2026-03-16T00:00:00Z';

describe('Calendar tokens (refresh against the fake)', () => {
  let scene: CalendarScene;

  beforeAll(async () => {
    scene = await startCalendarScene({ CALENDAR_CACHE_TTL_SECONDS: '0' });
  });
  afterAll(() => scene.close());

  const listEvents = (tenant: TestTenant) =>
    scene.app.inject({
      method: 'GET',
      url: `/api/v2/calendar/events?${WEEK}`,
      headers: tenant.headers,
    });

  const refreshCount = () =>
    scene.google
      .requestsTo('POST', '/token')
      .filter(
        (r) => new URLSearchParams(r.rawBody.toString()).get('grant_type') === 'refresh_token',
      ).length;

  /** The stored token is about to expire (as after ~58 minutes). */
  const ageStoredToken = (tenant: TestTenant) =>
    scene.app
      .get(DataSource)
      .query(
        `UPDATE calendar_connections SET access_token_expires_at = now() + interval '30 seconds' WHERE tenant_id = $1`,
        [tenant.id],
      );

  it('refreshes a token that is about to expire before calling Google, once for many concurrent calls', async () => {
    const tenant = await connectedTenant(scene);
    await ageStoredToken(tenant);
    const before = refreshCount();

    const answers = await Promise.all(Array.from({ length: 8 }, () => listEvents(tenant)));

    expect(answers.map((a) => a.statusCode)).toEqual(Array(8).fill(200));
    expect(refreshCount() - before).toBe(1);
  });

  it('refreshes once across "pods": separate token services share the refresh through Redis', async () => {
    const tenant = await connectedTenant(scene);
    await ageStoredToken(tenant);
    const before = refreshCount();
    const repository = scene.app.get(CalendarConnectionsRepository);
    const connection = (await repository.findByTenant(tenant.id))!;
    const tokens = scene.app.get(CalendarTokens);
    // Each call as a separate process would make it: no shared in-process promise.
    const asOtherPod = () =>
      Object.assign(Object.create(Object.getPrototypeOf(tokens)), tokens, {
        inFlight: new Map(),
      }) as CalendarTokens;

    const got = await Promise.all(
      Array.from({ length: 5 }, () => asOtherPod().accessToken(connection)),
    );

    expect(new Set(got).size).toBe(1);
    expect(refreshCount() - before).toBe(1);
    expect(scene.google.oauth.isValidAccessToken(got[0])).toBe(true);
  });

  it('refreshes on a 401 before the stored expiry and retries the call once', async () => {
    const tenant = await connectedTenant(scene);
    scene.google.oauth.expireAccessTokens();
    const before = refreshCount();

    const answer = await listEvents(tenant);

    expect(answer.statusCode).toBe(200);
    expect(refreshCount() - before).toBe(1);
  });

  it('marks the connection needs_reauth on invalid_grant and answers every call with a reconnect problem', async () => {
    const tenant = await connectedTenant(scene);
    scene.google.oauth.revokeAll();

    const first = await listEvents(tenant);
    const refreshesAfterFirst = refreshCount();
    const second = await listEvents(tenant);

    expect(first.statusCode).toBe(409);
    expect(first.json()).toMatchObject({
      code: 'CALENDAR.NEEDS_REAUTH',
      detail: expect.stringContaining('reconnect'),
    });
    expect(second.json()).toMatchObject({ code: 'CALENDAR.NEEDS_REAUTH' });
    // No more calls to Google for a dead grant.
    expect(refreshCount()).toBe(refreshesAfterFirst);
    const status = await scene.app.inject({
      method: 'GET',
      url: '/api/v2/calendar/connection',
      headers: tenant.headers,
    });
    expect(status.json()).toMatchObject({ status: 'needs_reauth' });
  });

  it('raises token.refresh_failed for the tenant once on invalid_grant, resolved by reconnecting, audited', async () => {
    const tenant = await connectedTenant(scene);
    scene.google.oauth.revokeAll();
    await listEvents(tenant);
    await listEvents(tenant);
    const db = scene.app.get(DataSource);
    const alerts = () =>
      db.query(`SELECT type, subject, status, occurrences FROM alerts WHERE tenant_id = $1`, [
        tenant.id,
      ]);
    const [{ id: connectionId }] = await db.query(
      `SELECT id FROM calendar_connections WHERE tenant_id = $1`,
      [tenant.id],
    );
    expect(await alerts()).toEqual([
      {
        type: 'token.refresh_failed',
        subject: `calendar/google/${connectionId}`,
        status: 'firing',
        occurrences: 1,
      },
    ]);

    await connectedTenant(scene, tenant);

    expect(await alerts()).toEqual([expect.objectContaining({ status: 'resolved' })]);
    expect((await listEvents(tenant)).statusCode).toBe(200);
    const audited = await db.query(
      `SELECT action, resource_id FROM audit_log WHERE tenant_id = $1 AND resource_type = $2
        ORDER BY seq`,
      [tenant.id, 'calendar_connection'],
    );
    expect(audited).toEqual(
      ['calendar_connection.connected', 'calendar_connection.connected'].map((action) => ({
        action,
        resource_id: connectionId,
      })),
    );
  });
});
