import type { EntityManager } from 'typeorm';

/**
 * Notes that the consultee opened the remiss, the first time only: one conditional UPDATE, so a
 * later open keeps the first time and costs a statement that changes nothing. It is not a change
 * of the record: no audit row, and `updated_at` stays.
 */
export async function markRecipientOpened(
  manager: EntityManager,
  recipientId: number,
  now: Date,
): Promise<void> {
  await manager.query(
    'UPDATE referral_round_recipient SET opened_at = ? WHERE id = ? AND opened_at IS NULL',
    [now, recipientId],
  );
}
