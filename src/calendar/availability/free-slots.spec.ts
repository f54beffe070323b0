import { freeSlots } from './free-slots';

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const week = { mon: [{ start: '09:00', end: '12:00' }], sun: [{ start: '09:00', end: '10:00' }] };

describe('freeSlots', () => {
  it('keeps working hours on local time across the DST change (New York, 8 March 2026)', () => {
    const slots = freeSlots({
      fromMs: Date.parse('2026-03-01T00:00:00Z'),
      toMs: Date.parse('2026-03-10T00:00:00Z'),
      durationMs: HOUR,
      stepMs: HOUR,
      zone: 'America/New_York',
      week,
      busy: [],
    }).map((slot) => iso(slot.startMs));

    expect(slots).toEqual([
      '2026-03-01T14:00:00.000Z', // Sunday 09:00 EST (-5)
      '2026-03-02T14:00:00.000Z', // Monday 09:00, 10:00, 11:00 EST
      '2026-03-02T15:00:00.000Z',
      '2026-03-02T16:00:00.000Z',
      '2026-03-08T13:00:00.000Z', // Sunday 09:00 EDT (-4): the change was at 02:00 that day
      '2026-03-09T13:00:00.000Z',
      '2026-03-09T14:00:00.000Z',
      '2026-03-09T15:00:00.000Z',
    ]);
  });

  it('leaves out slots overlapping busy blocks and slots cut by the range', () => {
    const slots = freeSlots({
      fromMs: Date.parse('2026-03-09T13:30:00Z'),
      toMs: Date.parse('2026-03-09T16:00:00Z'),
      durationMs: HOUR / 2,
      stepMs: HOUR / 2,
      zone: 'America/New_York',
      week,
      busy: [
        { startMs: Date.parse('2026-03-09T14:15:00Z'), endMs: Date.parse('2026-03-09T15:00:00Z') },
      ],
    }).map((slot) => iso(slot.startMs));

    expect(slots).toEqual([
      '2026-03-09T13:30:00.000Z',
      '2026-03-09T15:00:00.000Z',
      '2026-03-09T15:30:00.000Z',
    ]);
  });

  it('answers nothing on days without working hours', () => {
    expect(
      freeSlots({
        fromMs: Date.parse('2026-03-10T00:00:00Z'),
        toMs: Date.parse('2026-03-14T00:00:00Z'),
        durationMs: HOUR,
        stepMs: HOUR,
        zone: 'America/Sao_Paulo',
        week,
        busy: [],
      }),
    ).toEqual([]);
  });
});
