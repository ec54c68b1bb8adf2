import { daysBetween, nonWorkingReason } from '../common/working-days.js';
import type { ReminderPolicy } from './referral-round.entity.js';
import type { RecipientViewStatus } from './round-status.js';

/** 7 and 1 days before the deadline, an overdue notice 1 day after, at 08:00 Stockholm time. */
export const DEFAULT_REMINDER_POLICY: ReminderPolicy = {
  daysBefore: [7, 1],
  overdueDaysAfter: [1],
  hour: 8,
};

/** Consultees should get at least three weeks (less is allowed, with a warning). */
export const RECOMMENDED_MINIMUM_DAYS = 21;

export interface RecipientState {
  status: RecipientViewStatus;
  /** The recipient's own deadline (the round's, or an extension). */
  deadline: string;
}

/**
 * Overdue: invited, and the deadline's day (which lasts to its end, Stockholm time) is over
 * without an answer or a decline. Derived when read, never stored.
 */
export function isOverdue(recipient: RecipientState, today: string): boolean {
  // A queued invitation counts as sent: the round owes the recipient nothing more.
  return (
    (recipient.status === 'sent' || recipient.status === 'queued') && recipient.deadline < today
  );
}

export interface RoundCounts {
  total: number;
  answered: number;
  declined: number;
  pending: number;
  overdue: number;
  failed: number;
}

/** Each recipient counts once: answered, declined, failed, overdue or else pending. */
export function summarise(recipients: RecipientState[], today: string): RoundCounts {
  const counts: RoundCounts = {
    total: recipients.length,
    answered: 0,
    declined: 0,
    pending: 0,
    overdue: 0,
    failed: 0,
  };
  for (const recipient of recipients) {
    if (recipient.status === 'answered') counts.answered += 1;
    else if (recipient.status === 'declined') counts.declined += 1;
    else if (recipient.status === 'failed') counts.failed += 1;
    else if (isOverdue(recipient, today)) counts.overdue += 1;
    else counts.pending += 1;
  }
  return counts;
}

export interface SendWarning {
  code: 'deadline_not_working_day' | 'short_deadline';
  message: string;
}

/** What a registrar should know before sending with this deadline; sending is still allowed. */
export function deadlineWarnings(deadline: string, today: string): SendWarning[] {
  const warnings: SendWarning[] = [];
  const reason = nonWorkingReason(deadline);
  if (reason) {
    warnings.push({
      code: 'deadline_not_working_day',
      message: `The deadline ${deadline} falls on ${reason}, not a working day`,
    });
  }
  const days = daysBetween(today, deadline);
  if (days < RECOMMENDED_MINIMUM_DAYS) {
    warnings.push({
      code: 'short_deadline',
      message: `The deadline gives ${days} days to answer; at least ${RECOMMENDED_MINIMUM_DAYS} are recommended`,
    });
  }
  return warnings;
}
