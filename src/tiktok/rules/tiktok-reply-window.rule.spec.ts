import type { ConversationsService } from '@app/messaging/conversations/conversations.service';
import type { OutboundContext } from '@app/messaging/outbound/outbound-rule';
import type { TikTokReplyReservations } from './tiktok-reply-reservations';
import { TikTokReplyWindowRule } from './tiktok-reply-window.rule';

const now = new Date('2026-12-06T12:00:00Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
const context = (overrides: Partial<OutboundContext> = {}): OutboundContext => ({
  tenantId: 't',
  account: { id: 'a', hub: 'tiktok', provider: 'tiktok-business' },
  contactId: 'c',
  lastInboundAt: hoursAgo(1),
  content: { type: 'text', text: 'oi' },
  purpose: 'service',
  now,
  ...overrides,
});

/**
 * The conversations service as the rule uses it (replies already made since the person wrote)
 * and reservations that grant a slot below the limit (their atomicity is tested against
 * PostgreSQL in test/integration/tiktok/reply-reservations.spec.ts).
 */
const ruleWith = (sent: number) =>
  new TikTokReplyWindowRule(
    { outboundSince: () => Promise.resolve(sent) } as unknown as ConversationsService,
    {
      reserve: ({ seen, limit }: { seen: number; limit: number }) => Promise.resolve(seen < limit),
    } as unknown as TikTokReplyReservations,
  );

const refusal = (rule: TikTokReplyWindowRule, ctx: OutboundContext) =>
  Promise.resolve(rule.check(ctx)).then(
    () => undefined,
    (error: unknown) => error,
  );

describe('TikTok reply window', () => {
  it('lets up to 10 replies through within 48 hours of the person writing', async () => {
    expect(await refusal(ruleWith(9), context({ lastInboundAt: hoursAgo(47.9) }))).toBeUndefined();
  });

  it('refuses the 11th reply, naming the rule (422)', async () => {
    expect(await refusal(ruleWith(10), context())).toMatchObject({
      code: 'TIKTOK.REPLY_LIMIT_REACHED',
      kind: 'unprocessable',
    });
  });

  it('refuses a reply 48 hours after the person last wrote, and to someone who never wrote', async () => {
    expect(await refusal(ruleWith(0), context({ lastInboundAt: hoursAgo(48) }))).toMatchObject({
      code: 'TIKTOK.REPLY_WINDOW_CLOSED',
    });
    expect(await refusal(ruleWith(0), context({ lastInboundAt: null }))).toMatchObject({
      code: 'TIKTOK.NO_CONVERSATION',
    });
  });

  it('applies to TikTok accounts only', () => {
    expect(ruleWith(0).appliesTo(context())).toBe(true);
    expect(
      ruleWith(0).appliesTo(
        context({ account: { id: 'a', hub: 'instagram', provider: 'meta-instagram' } }),
      ),
    ).toBe(false);
  });
});
