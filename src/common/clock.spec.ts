import { Clock } from './clock.js';

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
