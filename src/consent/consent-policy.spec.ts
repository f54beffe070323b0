import { DEFAULT_POLICY, isAllowed, withDefaults } from './consent-policy';
import type { ScopedDecision } from './consent-terms';

let clock = 0;
const decision = (
  purpose: string,
  channel: string,
  state: ScopedDecision['state'],
): ScopedDecision => ({
  purpose,
  channel,
  state,
  occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, ++clock)),
});

describe('consent policy', () => {
  const policy = DEFAULT_POLICY;

  it('allows service and reminders by default and refuses marketing without a grant', () => {
    expect(isAllowed(policy, [], 'service', 'whatsapp')).toBe(true);
    expect(isAllowed(policy, [], 'reminders', 'whatsapp')).toBe(true);
    expect(isAllowed(policy, [], 'marketing', 'whatsapp')).toBe(false);
  });

  it('allows marketing after an explicit grant, on every channel or on the one granted', () => {
    expect(
      isAllowed(policy, [decision('marketing', '*', 'granted')], 'marketing', 'instagram'),
    ).toBe(true);
    const onWhatsapp = [decision('marketing', 'whatsapp', 'granted')];
    expect(isAllowed(policy, onWhatsapp, 'marketing', 'whatsapp')).toBe(true);
    expect(isAllowed(policy, onWhatsapp, 'marketing', 'instagram')).toBe(false);
  });

  it('lets reminders follow a withdrawn service unless the tenant says otherwise', () => {
    const withdrawn = [decision('service', '*', 'withdrawn')];
    expect(isAllowed(policy, withdrawn, 'reminders', 'whatsapp')).toBe(false);
    const own = withDefaults({ purposes: { reminders: 'allowed' } });
    expect(isAllowed(own, withdrawn, 'reminders', 'whatsapp')).toBe(true);
    const grantOnly = withDefaults({ purposes: { reminders: 'requires_grant' } });
    expect(isAllowed(grantOnly, [], 'reminders', 'whatsapp')).toBe(false);
  });

  it('lets a reminders decision of its own win over service', () => {
    const decisions = [
      decision('service', '*', 'withdrawn'),
      decision('reminders', '*', 'granted'),
    ];
    expect(isAllowed(policy, decisions, 'reminders', 'whatsapp')).toBe(true);
  });

  it('stops every purpose on a channel after an opt-out there, and only there', () => {
    const decisions = [
      decision('marketing', '*', 'granted'),
      decision('*', 'whatsapp', 'withdrawn'),
    ];
    expect(isAllowed(policy, decisions, 'service', 'whatsapp')).toBe(false);
    expect(isAllowed(policy, decisions, 'marketing', 'whatsapp')).toBe(false);
    expect(isAllowed(policy, decisions, 'marketing', 'instagram')).toBe(true);
  });

  it('lets the latest decision win between a blanket withdrawal and a later grant', () => {
    const decisions = [
      decision('*', '*', 'withdrawn'),
      decision('marketing', 'whatsapp', 'granted'),
    ];
    expect(isAllowed(policy, decisions, 'marketing', 'whatsapp')).toBe(true);
    expect(isAllowed(policy, decisions, 'service', 'whatsapp')).toBe(false);
  });

  it('restores what the contact had before an opt-out, granting nothing new', () => {
    const decisions = [
      decision('marketing', 'whatsapp', 'granted'),
      decision('*', 'whatsapp', 'withdrawn'),
      decision('*', 'whatsapp', 'restored'),
    ];
    expect(isAllowed(policy, decisions, 'marketing', 'whatsapp')).toBe(true);
    expect(isAllowed(policy, decisions, 'service', 'whatsapp')).toBe(true);
    const neverGranted = decisions.filter((d) => d.purpose !== 'marketing');
    expect(isAllowed(policy, neverGranted, 'marketing', 'whatsapp')).toBe(false);
  });

  it('keeps a specific withdrawal through an opt-in keyword', () => {
    const decisions = [
      decision('marketing', '*', 'withdrawn'),
      decision('*', 'whatsapp', 'withdrawn'),
      decision('*', 'whatsapp', 'restored'),
    ];
    expect(isAllowed(policy, decisions, 'marketing', 'whatsapp')).toBe(false);
    expect(isAllowed(policy, decisions, 'service', 'whatsapp')).toBe(true);
  });

  it("refuses a tenant's own purpose without a grant unless its default says otherwise", () => {
    const own = withDefaults({ purposes: { newsletter: 'requires_grant', surveys: 'allowed' } });
    expect(isAllowed(own, [], 'newsletter', 'whatsapp')).toBe(false);
    expect(isAllowed(own, [], 'surveys', 'whatsapp')).toBe(true);
    expect(own.purposes.marketing).toBe('requires_grant');
  });
});
