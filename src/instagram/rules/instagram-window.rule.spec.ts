import type { ChannelAccountsService } from '@app/messaging/channel-accounts/channel-accounts.service';
import type { OutboundContext } from '@app/messaging/outbound/outbound-rule';
import { DomainError } from '@core/errors/domain-error';
import { InstagramWindowRule } from './instagram-window.rule';

const now = new Date('2026-11-22T12:00:00Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
const context = (overrides: Partial<OutboundContext> = {}): OutboundContext => ({
  tenantId: 't',
  account: { id: 'a', hub: 'instagram', provider: 'meta-instagram' },
  contactId: 'c',
  lastInboundAt: hoursAgo(3),
  content: { type: 'text', text: 'oi' },
  purpose: 'service',
  now,
  ...overrides,
});

/** The accounts service as the rule uses it: one account whose setting the test chooses. */
function ruleWith(humanAgentTag: boolean): InstagramWindowRule {
  const accounts = {
    open: () =>
      Promise.resolve({
        id: 'a',
        hub: 'instagram',
        credentials: { flavour: 'instagram-login', accessToken: 'token', humanAgentTag },
      }),
  } as unknown as ChannelAccountsService;
  return new InstagramWindowRule(accounts);
}

async function refusalOf(rule: InstagramWindowRule, ctx: OutboundContext): Promise<unknown> {
  return rule.check(ctx).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('Instagram messaging window', () => {
  it('lets every send through within 24 hours of the person writing', async () => {
    await expect(
      ruleWith(false).check(context({ lastInboundAt: hoursAgo(23.9) })),
    ).resolves.toBeUndefined();
  });

  it('refuses after 24 hours without the HUMAN_AGENT setting, naming the rule (422)', async () => {
    const refusal = await refusalOf(ruleWith(false), context({ lastInboundAt: hoursAgo(24) }));
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ code: 'INSTAGRAM.WINDOW_CLOSED', kind: 'unprocessable' });
  });

  it('lets a human agent answer up to 7 days when the account has the setting on', async () => {
    await expect(
      ruleWith(true).check(context({ lastInboundAt: hoursAgo(24 * 6.9) })),
    ).resolves.toBeUndefined();
    expect(
      await refusalOf(ruleWith(true), context({ lastInboundAt: hoursAgo(24 * 7) })),
    ).toMatchObject({
      code: 'INSTAGRAM.WINDOW_CLOSED',
    });
  });

  it('keeps typing, seen and reactions to 24 hours even with the HUMAN_AGENT setting on', async () => {
    const lastInboundAt = hoursAgo(30);
    for (const content of [
      { type: 'sender_action', action: 'typing_on' },
      { type: 'reaction', targetProviderMessageId: 'mid', emoji: '❤️' },
    ] as OutboundContext['content'][]) {
      expect(await refusalOf(ruleWith(true), context({ lastInboundAt, content }))).toMatchObject({
        code: 'INSTAGRAM.WINDOW_CLOSED',
      });
    }
    await expect(
      ruleWith(true).check(
        context({
          lastInboundAt: hoursAgo(23),
          content: { type: 'sender_action', action: 'mark_seen' },
        }),
      ),
    ).resolves.toBeUndefined();
  });

  it('refuses a person who never wrote', async () => {
    expect(await refusalOf(ruleWith(true), context({ lastInboundAt: null }))).toMatchObject({
      code: 'INSTAGRAM.WINDOW_CLOSED',
    });
  });

  it('applies to Instagram accounts only', () => {
    expect(ruleWith(false).appliesTo(context())).toBe(true);
    expect(
      ruleWith(false).appliesTo(
        context({ account: { id: 'a', hub: 'whatsapp', provider: 'meta-cloud' } }),
      ),
    ).toBe(false);
  });
});
