import { localParts, localToInstant, offsetMs, parseDateTime } from './zoned-time';

describe('zoned time', () => {
  it('knows New York moves from -5 h to -4 h on 8 March 2026 and São Paulo stays at -3 h', () => {
    expect(offsetMs(Date.parse('2026-03-08T06:00:00Z'), 'America/New_York')).toBe(-5 * 3_600_000);
    expect(offsetMs(Date.parse('2026-03-08T08:00:00Z'), 'America/New_York')).toBe(-4 * 3_600_000);
    expect(offsetMs(Date.parse('2026-03-08T08:00:00Z'), 'America/Sao_Paulo')).toBe(-3 * 3_600_000);
  });

  it('turns 09:00 local into the right instant on both sides of the change', () => {
    const day = (d: number) => ({ year: 2026, month: 3, day: d, hour: 9, minute: 0 });
    expect(new Date(localToInstant(day(6), 'America/New_York')).toISOString()).toBe(
      '2026-03-06T14:00:00.000Z',
    );
    expect(new Date(localToInstant(day(9), 'America/New_York')).toISOString()).toBe(
      '2026-03-09T13:00:00.000Z',
    );
  });

  it('resolves a time the spring-forward jump skips to the time after the jump', () => {
    const skipped = localToInstant(
      { year: 2026, month: 3, day: 8, hour: 2, minute: 30 },
      'America/New_York',
    );
    expect(localParts(skipped, 'America/New_York')).toMatchObject({ hour: 3, minute: 30 });
  });

  it('reads a date-time with an offset as an instant and one without as local time', () => {
    expect(parseDateTime('2026-03-10T09:00:00-03:00', 'America/New_York')).toBe(
      Date.parse('2026-03-10T12:00:00Z'),
    );
    expect(parseDateTime('2026-03-10T09:00', 'America/Sao_Paulo')).toBe(
      Date.parse('2026-03-10T12:00:00Z'),
    );
  });
});
