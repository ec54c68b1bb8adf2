import Holidays from 'date-holidays';

// Swedish working-day arithmetic on calendar days written `YYYY-MM-DD`. The days are already
// Stockholm calendar days, so all arithmetic is done in UTC and never in the local time zone.

/** A Swedish public holiday or one of the eves (midsommar-, jul-, nyårsafton) that are days off. */
export interface Holiday {
  day: string;
  name: string;
}

const DAY_MS = 86_400_000;
const WEEKDAYS = ['söndag', 'måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag'] as const;

// 'public' gives the red days; 'bank' adds midsommarafton, julafton and nyårsafton. Observances
// such as påskafton and Luciadagen ('observance', 'optional') are working days.
let holidays: Holidays | undefined;
const byYear = new Map<number, Map<string, string>>();

function toTime(day: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const time = match ? Date.UTC(+match[1], +match[2] - 1, +match[3]) : Number.NaN;
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== day) {
    throw new RangeError(`Not a calendar day written YYYY-MM-DD: ${day}`);
  }
  return time;
}

function fromTime(time: number): string {
  const date = new Date(time);
  const year = date.getUTCFullYear();
  // Days past 9999 (or before year 0) have no YYYY-MM-DD form; say so instead of cutting "+010000-01".
  if (Number.isNaN(time) || year < 0 || year > 9999) {
    throw new RangeError(`Day outside the years 0000–9999 (${Number.isNaN(time) ? 'NaN' : year})`);
  }
  return date.toISOString().slice(0, 10);
}

function holidaysIn(year: number): Map<string, string> {
  let days = byYear.get(year);
  if (!days) {
    holidays ??= new Holidays('SE', { types: ['public', 'bank'] });
    days = new Map();
    for (const holiday of holidays.getHolidays(year)) {
      const day = holiday.date.slice(0, 10);
      if (!days.has(day)) days.set(day, holiday.name);
    }
    byYear.set(year, days);
  }
  return days;
}

export function holidayOn(day: string): Holiday | null {
  const year = new Date(toTime(day)).getUTCFullYear();
  const name = holidaysIn(year).get(day);
  return name === undefined ? null : { day, name };
}

/** Saturday or Sunday. */
export function isWeekend(day: string): boolean {
  const weekday = new Date(toTime(day)).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** Neither a weekend nor a holiday. */
export function isWorkingDay(day: string): boolean {
  return nonWorkingReason(day) === null;
}

/**
 * Why the day is not a working day, in Swedish: 'lördag', 'söndag' or the holiday name (which wins
 * when both apply); null on a working day.
 */
export function nonWorkingReason(day: string): string | null {
  const holiday = holidayOn(day);
  if (holiday) return holiday.name;
  return isWeekend(day) ? weekdayName(day) : null;
}

/** The day `days` days after `day` (before it when negative). */
export function addDays(day: string, days: number): string {
  return fromTime(toTime(day) + days * DAY_MS);
}

/** Days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toTime(to) - toTime(from)) / DAY_MS);
}

/** The nearest working day on or before `day`. */
export function workingDayOnOrBefore(day: string): string {
  let current = day;
  while (!isWorkingDay(current)) current = addDays(current, -1);
  return current;
}

/** The nearest working day on or after `day`. */
export function workingDayOnOrAfter(day: string): string {
  let current = day;
  while (!isWorkingDay(current)) current = addDays(current, 1);
  return current;
}

/** Day of week in Swedish: 'måndag' … 'söndag'. */
export function weekdayName(day: string): string {
  return WEEKDAYS[new Date(toTime(day)).getUTCDay()];
}
