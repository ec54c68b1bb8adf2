import {
  addYears,
  assertDaysInRange,
  CALENDAR_RANGE,
  DEADLINE_RANGE,
  DOCUMENT_DATE_RANGE,
  isCalendarDay,
  type DayRange,
} from './calendar-day.js';
import { DomainError } from './domain-error.js';

const TODAY = '2026-03-15';

/** The 400 assertDaysInRange throws for one day, as `field: message`; null when it passes. */
function problemOf(day: string | null | undefined, range: DayRange, today = TODAY): string | null {
  try {
    assertDaysInRange(today, [{ field: 'deadline', day, range }]);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    const domain = error as DomainError;
    expect(domain.status).toBe(400);
    expect(domain.code).toBe('validation_failed');
    const [detail] = domain.details as { field: string; messages: string[] }[];
    return `${detail.field}: ${detail.messages.join('; ')}`;
  }
}

describe('calendar days', () => {
  it.each(['2026-02-28', '2024-02-29', '2000-02-29', '0001-01-01', '9999-12-31'])(
    'takes %s as a day',
    (day) => expect(isCalendarDay(day)).toBe(true),
  );

  it.each([
    '2026-02-29',
    '1900-02-29',
    '2026-02-30',
    '2026-13-01',
    '2026-00-10',
    '2026-1-5',
    '2026-01-05T00:00',
    ' 2026-01-05',
    '20260105',
    '',
  ])('refuses %j', (day) => expect(isCalendarDay(day)).toBe(false));

  it('refuses what is not text', () => {
    for (const value of [20260105, null, undefined, new Date('2026-01-05'), ['2026-01-05']]) {
      expect(isCalendarDay(value)).toBe(false);
    }
  });

  it('moves a day by whole years, 29 February to the 28th in a common year', () => {
    expect(addYears('2026-03-15', 2)).toBe('2028-03-15');
    expect(addYears('2026-03-15', -5)).toBe('2021-03-15');
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
    expect(addYears('2024-02-29', -100)).toBe('1924-02-29');
    expect(addYears('2026-12-31', 0)).toBe('2026-12-31');
  });
});

describe('plausible day ranges', () => {
  it('takes a deadline from today to exactly two years ahead', () => {
    expect(problemOf(TODAY, DEADLINE_RANGE)).toBeNull();
    expect(problemOf('2028-03-15', DEADLINE_RANGE)).toBeNull();
  });

  it('refuses a deadline before today or past two years, naming the field and the bound', () => {
    expect(problemOf('2026-03-14', DEADLINE_RANGE)).toBe(
      'deadline: deadline must be today (2026-03-15) or later',
    );
    expect(problemOf('2028-03-16', DEADLINE_RANGE)).toBe(
      'deadline: deadline must be at most 2 years ahead (on or before 2028-03-15)',
    );
    expect(problemOf('9999-12-31', DEADLINE_RANGE)).toBe(
      'deadline: deadline must be at most 2 years ahead (on or before 2028-03-15)',
    );
  });

  it('takes meeting dates five years either way, and not a day more', () => {
    expect(problemOf('2021-03-15', CALENDAR_RANGE)).toBeNull();
    expect(problemOf('2031-03-15', CALENDAR_RANGE)).toBeNull();
    const message = 'deadline must be within 5 years of today (2021-03-15 to 2031-03-15)';
    expect(problemOf('2021-03-14', CALENDAR_RANGE)).toBe(`deadline: ${message}`);
    expect(problemOf('2031-03-16', CALENDAR_RANGE)).toBe(`deadline: ${message}`);
    expect(problemOf('0001-01-01', CALENDAR_RANGE)).toBe(`deadline: ${message}`);
  });

  it('takes a document’s own date a century back but at most a year ahead', () => {
    expect(problemOf('1926-03-15', DOCUMENT_DATE_RANGE)).toBeNull();
    expect(problemOf('2027-03-15', DOCUMENT_DATE_RANGE)).toBeNull();
    const message =
      'deadline must be at most 100 years back and 1 ahead (1926-03-15 to 2027-03-15)';
    expect(problemOf('1926-03-14', DOCUMENT_DATE_RANGE)).toBe(`deadline: ${message}`);
    expect(problemOf('2027-03-16', DOCUMENT_DATE_RANGE)).toBe(`deadline: ${message}`);
  });

  it('counts from 29 February to the 28th of a common year', () => {
    expect(problemOf('2026-02-28', DEADLINE_RANGE, '2024-02-29')).toBeNull();
    expect(problemOf('2026-03-01', DEADLINE_RANGE, '2024-02-29')).toBe(
      'deadline: deadline must be at most 2 years ahead (on or before 2026-02-28)',
    );
  });

  it('skips days that are absent and names every field out of range at once', () => {
    expect(problemOf(undefined, DEADLINE_RANGE)).toBeNull();
    expect(problemOf(null, DEADLINE_RANGE)).toBeNull();
    let thrown: DomainError | null = null;
    try {
      assertDaysInRange(TODAY, [
        { field: 'date', day: '2040-01-01', range: CALENDAR_RANGE },
        { field: 'adjustedOn', day: '2026-04-01', range: CALENDAR_RANGE },
        { field: 'decidedOn', day: '1990-01-01', range: CALENDAR_RANGE },
      ]);
    } catch (error) {
      thrown = error as DomainError;
    }
    expect((thrown?.details as { field: string }[]).map((detail) => detail.field)).toEqual([
      'date',
      'decidedOn',
    ]);
  });
});
