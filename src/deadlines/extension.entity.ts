import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { RoundRecipient } from '../referral-rounds/referral-round.entity.js';
import { User } from '../users/user.entity.js';

// anstånd: a recipient's new deadline, why, and who granted it when
@Entity('referral_round_extension')
@Index('ix_referral_round_extension_recipient', ['recipientId', 'id'])
export class Extension {
  @PrimaryGeneratedColumn({ unsigned: true })
  id: number;

  @Column({ name: 'recipient_id', type: 'int', unsigned: true })
  recipientId: number;

  @ManyToOne(() => RoundRecipient, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'recipient_id',
    foreignKeyConstraintName: 'fk_referral_round_extension_recipient',
  })
  recipient?: RoundRecipient;

  @Column({ name: 'previous_deadline', type: 'date' })
  previousDeadline: string;

  @Column({ type: 'date' })
  deadline: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'granted_by', type: 'int', unsigned: true, nullable: true })
  grantedBy: number | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'granted_by',
    foreignKeyConstraintName: 'fk_referral_round_extension_granted_by',
  })
  grantor?: User | null;

  @Column({ name: 'granted_at', type: 'datetime', precision: 3 })
  grantedAt: Date;
}
