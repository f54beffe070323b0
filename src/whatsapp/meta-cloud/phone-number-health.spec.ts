import { PlatformError } from '@core/errors/platform-error';
import { healthOfFailedProbe, healthOfPhoneNumber } from './phone-number-health';

const at = new Date('2026-03-01T12:00:00Z');

describe('healthOfPhoneNumber', () => {
  it('is up on a GREEN or unrated number, degraded on YELLOW and RED', () => {
    const fields = { verified_name: 'Loja Exemplo', display_phone_number: '+55 11 3000-0000' };
    expect(healthOfPhoneNumber({ ...fields, quality_rating: 'GREEN' }, at, 42)).toEqual({
      status: 'up',
      detail: '"Loja Exemplo" reachable, quality rating GREEN',
      checkedAt: at,
      latencyMs: 42,
    });
    expect(healthOfPhoneNumber({ ...fields }, at, 1).status).toBe('up');
    expect(healthOfPhoneNumber({ ...fields, quality_rating: 'YELLOW' }, at, 1).status).toBe(
      'degraded',
    );
    expect(healthOfPhoneNumber({ ...fields, quality_rating: 'RED' }, at, 1).status).toBe(
      'degraded',
    );
  });

  it('never repeats the display phone number', () => {
    const health = healthOfPhoneNumber({ display_phone_number: '+55 11 3000-0000' }, at, 1);
    expect(health.detail).not.toContain('3000');
  });
});

describe('healthOfFailedProbe', () => {
  it('reports a rejected token as down, needing re-authorisation', () => {
    const error = new PlatformError('whatsapp', 'get_phone_number', 'auth', 'Meta error 190');
    expect(healthOfFailedProbe(error, at, 7)).toEqual({
      status: 'down',
      detail: 'access token rejected, the account needs re-authorisation (Meta error 190)',
      checkedAt: at,
      latencyMs: 7,
    });
  });

  it('tells an outage from a refusal', () => {
    const outage = new PlatformError('whatsapp', 'get_phone_number', 'timeout', 'no answer');
    const refusal = new PlatformError('whatsapp', 'get_phone_number', 'rejected', 'Meta error 100');
    expect(healthOfFailedProbe(outage, at, 1).detail).toMatch(/^Graph API unreachable/);
    expect(healthOfFailedProbe(refusal, at, 1).detail).toMatch(/^Graph API refused/);
  });
});
