import { instantAt } from '../common/clock.js';
import { addDays, workingDayOnOrAfter, workingDayOnOrBefore } from '../common/working-days.js';
import type { ReminderPolicy } from '../referral-rounds/referral-round.entity.js';

export type ReminderType = 'before' | 'overdue';

/** One reminder a recipient is due: its kind (`before:7`, `overdue:1`), day and instant. */
export interface PlannedReminder {
  kind: string;
  type: ReminderType;
  days: number;
  day: string;
  dueAt: Date;
}

export function reminderKind(type: ReminderType, days: number): string {
  return `${type}:${days}`;
}

export function parseReminderKind(kind: string): { type: ReminderType; days: number } {
  const [type, days] = kind.split(':');
  return { type: type === 'overdue' ? 'overdue' : 'before', days: Number(days) };
}

/**
 * When the reminders for a deadline go out: the policy's days before it and after it, at the
 * policy's hour in the given zone. A day off (Saturday, Sunday, Swedish holiday) moves a reminder
 * to the working day before (before the deadline) or after (overdue notices), so a reminder is
 * never mailed on a day nobody reads it. Two reminders moved onto the same day become one.
 */
export function planReminders(
  policy: ReminderPolicy,
  deadline: string,
  timeZone: string,
): PlannedReminder[] {
  const planned: PlannedReminder[] = [];
  const days = new Set<string>();
  const add = (type: ReminderType, offset: number, day: string) => {
    if (days.has(`${type}:${day}`)) return;
    days.add(`${type}:${day}`);
    planned.push({
      kind: reminderKind(type, offset),
      type,
      days: offset,
      day,
      dueAt: instantAt(day, policy.hour, timeZone),
    });
  };
  for (const offset of [...policy.daysBefore].sort((a, b) => b - a)) {
    add('before', offset, workingDayOnOrBefore(addDays(deadline, -offset)));
  }
  for (const offset of [...policy.overdueDaysAfter].sort((a, b) => a - b)) {
    add('overdue', offset, workingDayOnOrAfter(addDays(deadline, offset)));
  }
  return planned.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}
