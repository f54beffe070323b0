import type { OutboundContext } from '@app/messaging/outbound/outbound-rule';
import { DomainError } from '@core/errors/domain-error';
import { CustomerServiceWindowRule } from './customer-service-window.rule';

const now = new Date('2026-11-22T12:00:00Z');
const context = (overrides: Partial<OutboundContext>): OutboundContext => ({
  tenantId: 't',
  account: { id: 'a', hub: 'whatsapp', provider: 'meta-cloud' },
  contactId: 'c',
  lastInboundAt: new Date('2026-11-22T09:00:00Z'),
  content: { type: 'text', text: 'hi' },
  purpose: 'service',
  now,
  ...overrides,
});

describe('WhatsApp customer-service window', () => {
  const rule = new CustomerServiceWindowRule();

  it('lets free-form messages through within 24 hours of the contact writing', () => {
    expect(() =>
      rule.check(context({ lastInboundAt: new Date('2026-11-21T12:00:01Z') })),
    ).not.toThrow();
  });

  it('refuses free-form messages once 24 hours have passed, naming the rule', () => {
    let refusal: unknown;
    try {
      rule.check(context({ lastInboundAt: new Date('2026-11-21T12:00:00Z') }));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ code: 'WHATSAPP.WINDOW_CLOSED', kind: 'unprocessable' });
    expect((refusal as Error).message).toContain('template');
  });

  it('refuses free-form messages to a contact who never wrote', () => {
    expect(() => rule.check(context({ lastInboundAt: null }))).toThrow(
      /no customer-service window/,
    );
  });

  it('does not apply to templates, nor to other providers or hubs', () => {
    expect(
      rule.appliesTo(
        context({ content: { type: 'template', template: { name: 'x', language: 'en_US' } } }),
      ),
    ).toBe(false);
    expect(
      rule.appliesTo(context({ account: { id: 'a', hub: 'whatsapp', provider: 'evolution' } })),
    ).toBe(false);
    expect(
      rule.appliesTo(
        context({ account: { id: 'a', hub: 'instagram', provider: 'meta-instagram' } }),
      ),
    ).toBe(false);
    expect(rule.appliesTo(context({}))).toBe(true);
  });
});
