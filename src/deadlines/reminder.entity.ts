import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { RoundRecipient } from '../referral-rounds/referral-round.entity.js';

export const REMINDER_STATUSES = ['planned', 'queued', 'skipped', 'cancelled'] as const;
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];

/**
 * påminnelse: one per recipient, kind and deadline, so it is mailed once whatever runs twice.
 * planned → queued (its mail is in the outbox) or skipped (not wanted when due: answered,
 * declined, round closed, or its time had passed when the invitation went) or cancelled (the
 * deadline was extended).
 */
@Entity('referral_round_reminder')
@Index('uq_referral_round_reminder_once', ['recipientId', 'kind', 'deadline'], { unique: true })
@Index('ix_referral_round_reminder_due', ['status', 'dueAt'])
export class Reminder {
  @PrimaryGeneratedColumn({ unsigned: true })
  id: number;

  @Column({ name: 'recipient_id', type: 'int', unsigned: true })
  recipientId: number;

  @ManyToOne(() => RoundRecipient, { onDelete: 'CASCADE', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'recipient_id',
    foreignKeyConstraintName: 'fk_referral_round_reminder_recipient',
  })
  recipient?: RoundRecipient;

  /** `before:<days>` or `overdue:<days>`. */
  @Column({ type: 'varchar', length: 32 })
  kind: string;

  /** The deadline it reminds of. */
  @Column({ type: 'date' })
  deadline: string;

  @Column({ name: 'due_at', type: 'datetime', precision: 3 })
  dueAt: Date;

  @Column({ type: 'enum', enum: REMINDER_STATUSES, default: 'planned' })
  status: ReminderStatus;

  @Column({ name: 'outbox_id', type: 'int', unsigned: true, nullable: true })
  outboxId: number | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'done_at', type: 'datetime', precision: 3, nullable: true })
  doneAt: Date | null;
}
