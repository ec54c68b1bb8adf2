import { instantAt } from '../../src/common/clock.js';
import { addDays } from '../../src/common/working-days.js';

/**
 * The day the tests live on. By default the real today; `TEST_TODAY=2026-12-24` (noon in
 * Stockholm) or `TEST_TODAY=2026-12-31T23:30` (Stockholm wall-clock time) runs the whole suite as
 * if it were then: the apps started by `startTestApp` get their clock shifted to it, and the tests'
 * own date helpers below count from it.
 */
const TIME_ZONE = 'Europe/Stockholm';

export function parseTestToday(value: string): Date {
  const match = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(value);
  const day = match?.[1];
  if (!match || !day || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
    throw new Error(`TEST_TODAY must look like 2026-12-24 or 2026-12-24T23:30 (got "${value}")`);
  }
  const hours = match[2] === undefined ? 12 : Number(match[2]);
  const minutes = match[3] === undefined ? 0 : Number(match[3]);
  return new Date(instantAt(day, hours, TIME_ZONE).getTime() + minutes * 60_000);
}

const configured = process.env.TEST_TODAY?.trim();

/** How far the tests' clock (and the apps they start) stands from the real one. */
export const TEST_CLOCK_OFFSET_MS = configured
  ? parseTestToday(configured).getTime() - Date.now()
  : 0;

/** The tests' now: the real instant, moved to TEST_TODAY when it is set. */
export function testNow(): Date {
  return new Date(Date.now() + TEST_CLOCK_OFFSET_MS);
}

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE });

/** The Stockholm calendar day of an instant. */
export function stockholmDayOf(instant: Date): string {
  return dayFormat.format(instant);
}

/** The tests' Stockholm calendar day, or the calendar day `days` from it. */
export function stockholmDay(days = 0): string {
  return addDays(stockholmDayOf(testNow()), days);
}

/** The tests' year in Stockholm, as case numbers write it. */
export function stockholmYear(): number {
  return Number(stockholmDay().slice(0, 4));
}
