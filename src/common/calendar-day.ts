import { registerDecorator, ValidationOptions } from 'class-validator';
import { DomainError } from './domain-error.js';

/** True for a real calendar day written `YYYY-MM-DD` (so 2026-02-30 is refused). */
export function isCalendarDay(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export function IsCalendarDay(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCalendarDay',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be a date written YYYY-MM-DD`, ...options },
      validator: { validate: isCalendarDay },
    });
}

/** How far from today a calendar day a user types may lie, in whole years. */
export interface DayRange {
  yearsBefore: number;
  yearsAfter: number;
}

/** Deadlines (a round's, an extension's): from today to two years ahead. */
export const DEADLINE_RANGE: DayRange = { yearsBefore: 0, yearsAfter: 2 };

/** Meeting, adjustment and decision dates: five years either way. */
export const CALENDAR_RANGE: DayRange = { yearsBefore: 5, yearsAfter: 5 };

/**
 * A document's own date: registries take in old papers (a letter found years later, an archive
 * moved in from an earlier system), so a century back; never more than a year ahead.
 */
export const DOCUMENT_DATE_RANGE: DayRange = { yearsBefore: 100, yearsAfter: 1 };

/** The same day `years` years later (earlier when negative); 29 February becomes the 28th. */
export function addYears(day: string, years: number): string {
  const year = Number(day.slice(0, 4)) + years;
  const monthDay = day.slice(4);
  const candidate = `${String(year).padStart(4, '0')}${monthDay}`;
  return isCalendarDay(candidate) ? candidate : `${String(year).padStart(4, '0')}-02-28`;
}

/**
 * Refuses with 400 naming the field every given day that lies outside its plausible range around
 * `today`, so that no far-off day (9999-12-31) reaches the date arithmetic of reminders and notices.
 * Absent days (undefined or null) are skipped.
 */
export function assertDaysInRange(
  today: string,
  days: { field: string; day: string | null | undefined; range: DayRange }[],
): void {
  const problems = days.flatMap(({ field, day, range }) => {
    if (day === undefined || day === null) return [];
    const earliest = addYears(today, -range.yearsBefore);
    const latest = addYears(today, range.yearsAfter);
    if (day >= earliest && day <= latest) return [];
    const message =
      range.yearsBefore === 0 && day < earliest
        ? `${field} must be today (${today}) or later`
        : range.yearsBefore === 0
          ? `${field} must be at most ${range.yearsAfter} years ahead (on or before ${latest})`
          : range.yearsBefore === range.yearsAfter
            ? `${field} must be within ${range.yearsBefore} years of today (${earliest} to ${latest})`
            : `${field} must be at most ${range.yearsBefore} years back and ${range.yearsAfter} ahead (${earliest} to ${latest})`;
    return [{ field, messages: [message] }];
  });
  if (problems.length > 0) throw DomainError.validation(problems);
}
