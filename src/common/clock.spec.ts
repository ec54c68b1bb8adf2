import { Clock, instantAt, startOfDayIn } from './clock.js';

describe('Clock', () => {
  const realNow = Date.now;
  afterEach(() => {
    Date.now = realNow;
  });

  it('shifts now by the configured offset', () => {
    Date.now = () => Date.parse('2026-03-01T10:00:00.000Z');
    const clock = new Clock({ clockOffsetMs: 6 * 86_400_000, tzRegion: 'Europe/Stockholm' });
    expect(clock.now().toISOString()).toBe('2026-03-07T10:00:00.000Z');
  });

  it('gives the Stockholm calendar day, not the UTC one', () => {
    // 23:30 UTC on 31 December is already New Year's Day in Stockholm (UTC+1).
    Date.now = () => Date.parse('2026-12-31T23:30:00.000Z');
    const clock = new Clock({ clockOffsetMs: 0, tzRegion: 'Europe/Stockholm' });
    expect(clock.today()).toBe('2027-01-01');
  });

  it('follows summer time', () => {
    const clock = new Clock({ clockOffsetMs: 0, tzRegion: 'Europe/Stockholm' });
    expect(clock.dayOf(new Date('2026-06-30T21:59:59.000Z'))).toBe('2026-06-30');
    expect(clock.dayOf(new Date('2026-06-30T22:00:00.000Z'))).toBe('2026-07-01');
  });
});

describe('startOfDayIn', () => {
  it('finds midnight in Stockholm in winter and in summer', () => {
    expect(startOfDayIn('2026-01-15', 'Europe/Stockholm').toISOString()).toBe(
      '2026-01-14T23:00:00.000Z',
    );
    expect(startOfDayIn('2026-07-01', 'Europe/Stockholm').toISOString()).toBe(
      '2026-06-30T22:00:00.000Z',
    );
  });

  it('handles the day summer time starts', () => {
    expect(startOfDayIn('2026-03-29', 'Europe/Stockholm').toISOString()).toBe(
      '2026-03-28T23:00:00.000Z',
    );
    expect(startOfDayIn('2026-03-30', 'Europe/Stockholm').toISOString()).toBe(
      '2026-03-29T22:00:00.000Z',
    );
  });
});

describe('instantAt', () => {
  it('gives 08:00 Stockholm time in winter, in summer and on the days the clocks change', () => {
    expect(instantAt('2026-01-15', 8, 'Europe/Stockholm').toISOString()).toBe(
      '2026-01-15T07:00:00.000Z',
    );
    expect(instantAt('2026-07-01', 8, 'Europe/Stockholm').toISOString()).toBe(
      '2026-07-01T06:00:00.000Z',
    );
    // Summer time starts at 02:00 on 29 March and ends at 03:00 on 25 October 2026.
    expect(instantAt('2026-03-29', 8, 'Europe/Stockholm').toISOString()).toBe(
      '2026-03-29T06:00:00.000Z',
    );
    expect(instantAt('2026-10-25', 8, 'Europe/Stockholm').toISOString()).toBe(
      '2026-10-25T07:00:00.000Z',
    );
  });
});
