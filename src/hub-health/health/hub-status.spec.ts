import { accountStatus, combinedStatus } from './hub-status';

const limits = { errorRate: 0.1, p95Ms: 2_000, minCalls: 5 };
const quiet = { requests: 0, errorRate: 0, p95Ms: null, lastOutcome: null };

describe('accountStatus', () => {
  it('is healthy with a closed circuit and no traffic', () => {
    expect(
      accountStatus({ accountStatus: 'active', circuit: 'closed', calls: quiet }, limits),
    ).toEqual({ status: 'healthy', reasons: [] });
  });

  it('is down while its circuit is open or its credentials need re-authorisation', () => {
    for (const [state, circuit] of [
      ['active', 'open'],
      ['needs_reauth', 'closed'],
      ['disconnected', 'closed'],
    ] as const) {
      expect(accountStatus({ accountStatus: state, circuit, calls: quiet }, limits).status).toBe(
        'down',
      );
    }
  });

  it('is degraded while failing over the error-rate limit, healthy once a call succeeds again', () => {
    const failing = { requests: 10, errorRate: 0.5, p95Ms: 100, lastOutcome: 'fault' as const };
    expect(
      accountStatus({ accountStatus: 'active', circuit: 'closed', calls: failing }, limits),
    ).toEqual({
      status: 'degraded',
      reasons: ['error rate 50 % over 5 min'],
    });
    const recovered = { ...failing, lastOutcome: 'success' as const };
    expect(
      accountStatus({ accountStatus: 'active', circuit: 'closed', calls: recovered }, limits)
        .status,
    ).toBe('healthy');
  });

  it('is degraded when slow, but not on too few calls to judge', () => {
    const slow = { requests: 5, errorRate: 0, p95Ms: 5_000, lastOutcome: 'success' as const };
    expect(
      accountStatus({ accountStatus: 'active', circuit: 'closed', calls: slow }, limits).status,
    ).toBe('degraded');
    const few = { ...slow, requests: 4 };
    expect(
      accountStatus({ accountStatus: 'active', circuit: 'closed', calls: few }, limits).status,
    ).toBe('healthy');
  });
});

describe('combinedStatus', () => {
  it('is down only when every member is down', () => {
    expect(combinedStatus(['down', 'down'])).toBe('down');
    expect(combinedStatus(['down', 'healthy'])).toBe('degraded');
    expect(combinedStatus(['healthy', 'healthy'])).toBe('healthy');
    expect(combinedStatus([])).toBe('healthy');
  });
});
