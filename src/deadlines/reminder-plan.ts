import type { EntityManager } from 'typeorm';
import type { ReminderPolicy } from '../referral-rounds/referral-round.entity.js';
import { insertRows } from '../database/bulk-insert.js';
import { planReminders } from './reminder-policy.js';

const REMINDER_COLUMNS = [
  'recipient_id',
  'kind',
  'deadline',
  'due_at',
  'status',
  'created_at',
  'done_at',
] as const;

export interface RecipientDeadline {
  recipientId: number;
  deadline: string;
}

/**
 * Records the reminders of recipients for their deadlines under the policy, in the caller's
 * transaction. One whose time has already passed at `from` (the invitation or the extension) is
 * recorded as skipped, so it is never mailed late. Reminders already recorded for the same
 * recipient, kind and deadline are left as they are.
 */
export async function planRecipientReminders(
  manager: EntityManager,
  recipients: RecipientDeadline[],
  policy: ReminderPolicy,
  from: Date,
  timeZone: string,
): Promise<void> {
  const plans = new Map<string, ReturnType<typeof planReminders>>();
  const rows = recipients.flatMap(({ recipientId, deadline }) => {
    let plan = plans.get(deadline);
    if (!plan) plans.set(deadline, (plan = planReminders(policy, deadline, timeZone)));
    return plan.map((reminder) => {
      const passed = reminder.dueAt.getTime() <= from.getTime();
      return [
        recipientId,
        reminder.kind,
        deadline,
        reminder.dueAt,
        passed ? 'skipped' : 'planned',
        from,
        passed ? from : null,
      ];
    });
  });
  await insertRows(manager, 'referral_round_reminder', REMINDER_COLUMNS, rows, {
    keepExisting: true,
  });
}

/** Cancels the reminders still planned for the recipients (their deadline moved). */
export async function cancelPlannedReminders(
  manager: EntityManager,
  recipientIds: number[],
  at: Date,
): Promise<void> {
  if (recipientIds.length === 0) return;
  await manager.query(
    `UPDATE referral_round_reminder SET status = 'cancelled', done_at = ?
      WHERE recipient_id IN (?) AND status = 'planned'`,
    [at, recipientIds],
  );
}

/** Cancels every reminder still planned in a round (it was closed). */
export async function cancelRoundReminders(
  manager: EntityManager,
  roundId: number,
  at: Date,
): Promise<void> {
  await manager.query(
    `UPDATE referral_round_reminder rm JOIN referral_round_recipient r ON r.id = rm.recipient_id
        SET rm.status = 'cancelled', rm.done_at = ?
      WHERE r.round_id = ? AND rm.status = 'planned'`,
    [at, roundId],
  );
}
