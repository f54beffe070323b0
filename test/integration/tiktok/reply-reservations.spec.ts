import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ConversationsService } from '@app/messaging/conversations/conversations.service';
import type { OutboundContext } from '@app/messaging/outbound/outbound-rule';
import { TikTokReplyReservations } from '@app/tiktok/rules/tiktok-reply-reservations';
import { TikTokReplyWindowRule } from '@app/tiktok/rules/tiktok-reply-window.rule';
import { createTenant, createTestApp } from '@test/support/test-app';

/**
 * The reply count under concurrent sends, against PostgreSQL: the stored count is held still
 * (as two sends see it when both count before either is stored), so only the reservation can
 * keep the second one out.
 */
describe('TikTok reply count under concurrent sends', () => {
  let app: NestFastifyApplication;
  let accountId: string;
  const personWroteAt = new Date(Date.now() - 3_600_000);

  beforeAll(async () => {
    app = await createTestApp({
      APP_ROLE: 'api',
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}tiktok-reservations-${randomUUID()}`,
    });
    const tenant = await createTenant(app);
    accountId = randomUUID();
    await app.get(DataSource).query(
      // Not 'tiktok-business': the token keeper of other suites would try to open it.
      `INSERT INTO channel_accounts (id, tenant_id, hub, provider, name, external_id, credentials)
         VALUES ($1, $2, 'tiktok', 'reservations-test', $3, $3, 'unused')`,
      [accountId, tenant.id, `tt-${accountId}`],
    );
  });

  afterAll(async () => {
    await app?.close();
  });

  /** The rule as the app wires it, its stored count fixed at `seen` replies. */
  const ruleSeeing = (seen: number) =>
    new TikTokReplyWindowRule(
      { outboundSince: () => Promise.resolve(seen) } as unknown as ConversationsService,
      app.get(TikTokReplyReservations),
    );

  const send = (contactId: string, overrides: Partial<OutboundContext> = {}): OutboundContext => ({
    tenantId: 't',
    account: { id: accountId, hub: 'tiktok', provider: 'reservations-test' },
    contactId,
    lastInboundAt: personWroteAt,
    content: { type: 'text', text: 'oi' },
    purpose: 'service',
    now: new Date(),
    ...overrides,
  });

  const outcomes = async (checks: (Promise<void> | void)[]) => {
    const settled = await Promise.allSettled(checks.map((check) => Promise.resolve(check)));
    return {
      passed: settled.filter((s) => s.status === 'fulfilled').length,
      refusals: settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : [])),
    };
  };

  it('lets only one of two sends checked together at 9 replies through; the other is the 422', async () => {
    const rule = ruleSeeing(9);
    const contactId = randomUUID();
    const { passed, refusals } = await outcomes([
      rule.check(send(contactId)),
      rule.check(send(contactId)),
    ]);
    expect(passed).toBe(1);
    expect(refusals).toEqual([
      expect.objectContaining({ code: 'TIKTOK.REPLY_LIMIT_REACHED', kind: 'unprocessable' }),
    ]);
  });

  it('gives 25 sends racing into an empty window exactly 10 slots', async () => {
    const rule = ruleSeeing(0);
    const contactId = randomUUID();
    const { passed } = await outcomes(
      Array.from({ length: 25 }, () => rule.check(send(contactId))),
    );
    expect(passed).toBe(10);
  });

  it('opens a new count when the person writes again', async () => {
    const contactId = randomUUID();
    const full = ruleSeeing(0);
    await outcomes(Array.from({ length: 10 }, () => full.check(send(contactId))));
    await expect(full.check(send(contactId))).rejects.toMatchObject({
      code: 'TIKTOK.REPLY_LIMIT_REACHED',
    });
    await expect(
      ruleSeeing(0).check(send(contactId, { lastInboundAt: new Date(Date.now() - 60_000) })),
    ).resolves.toBeUndefined();
  });

  it('gives a slot back when its lease is over and the stored replies show it unused (a send that failed)', async () => {
    const contactId = randomUUID();
    await outcomes([ruleSeeing(9).check(send(contactId))]);
    await expect(ruleSeeing(9).check(send(contactId))).rejects.toMatchObject({
      code: 'TIKTOK.REPLY_LIMIT_REACHED',
    });
    const later = new Date(Date.now() + 61_000);
    await expect(ruleSeeing(9).check(send(contactId, { now: later }))).resolves.toBeUndefined();
    await expect(ruleSeeing(10).check(send(contactId, { now: later }))).rejects.toMatchObject({
      code: 'TIKTOK.REPLY_LIMIT_REACHED',
    });
  });
});
