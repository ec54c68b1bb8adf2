import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Case } from '../cases/case.entity.js';
import { booleanTransformer, jsonTransformer } from '../database/transformers.js';
import { Document } from '../documents/document.entity.js';
import { MeetingItem } from '../meetings/meeting.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { ROUND_STATUSES, RECIPIENT_STATUSES } from './round-status.js';
import type { RecipientStatus, RoundStatus } from './round-status.js';

/** A numbered point of the draft that answers may comment on, e.g. `4.3 a`. */
export interface RoundSection {
  ref: string;
  title: string;
}

/** When reminders go out; null on the round means the default policy. */
export interface ReminderPolicy {
  daysBefore: number[];
  overdueDaysAfter: number[];
  hour: number;
}

// remissrunda
@Entity('referral_round')
@Index('ix_referral_round_case', ['caseId', 'id'])
@Index('ix_referral_round_status_deadline', ['status', 'deadline', 'id'])
export class ReferralRound {
  @PrimaryGeneratedColumn({ unsigned: true })
  id: number;

  @Column({ name: 'case_id', type: 'int', unsigned: true })
  caseId: number;

  @ManyToOne(() => Case, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_referral_round_case' })
  case?: Case;

  @Column({ type: 'varchar', length: 500 })
  title: string;

  /** The cover message (missiv). */
  @Column({ type: 'text', nullable: true })
  message: string | null;

  /** The § (meeting item) that decided to send the draft on remiss; its extract goes along. */
  @Column({ name: 'decision_item_id', type: 'int', unsigned: true, nullable: true })
  decisionItemId: number | null;

  @ManyToOne(() => MeetingItem, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'decision_item_id',
    foreignKeyConstraintName: 'fk_referral_round_decision_item',
  })
  decisionItem?: MeetingItem | null;

  @Column({ type: 'date' })
  deadline: string;

  @Column({ type: 'longtext', transformer: jsonTransformer })
  sections: RoundSection[];

  @Column({
    name: 'reminder_policy',
    type: 'longtext',
    nullable: true,
    transformer: jsonTransformer,
  })
  reminderPolicy: ReminderPolicy | null;

  @Column({ type: 'enum', enum: ROUND_STATUSES, default: 'draft' })
  status: RoundStatus;

  @Column({ name: 'created_by', type: 'int', unsigned: true, nullable: true })
  createdBy: number | null;

  /** When it was first sent. */
  @Column({ name: 'sent_at', type: 'datetime', precision: 3, nullable: true })
  sentAt: Date | null;

  @Column({ name: 'closed_at', type: 'datetime', precision: 3, nullable: true })
  closedAt: Date | null;

  @Column({ name: 'closed_reason', type: 'text', nullable: true })
  closedReason: string | null;

  @Column({ type: 'int', unsigned: true, default: 1 })
  version: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

/** A document sent with a round, in the order the registrar listed them. */
@Entity('referral_round_document')
@Index('ix_referral_round_document_document', ['documentId'])
export class ReferralRoundDocument {
  @PrimaryColumn({ name: 'round_id', type: 'int', unsigned: true })
  roundId: number;

  @PrimaryColumn({ name: 'document_id', type: 'int', unsigned: true })
  documentId: number;

  @ManyToOne(() => ReferralRound, { onDelete: 'CASCADE', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'round_id', foreignKeyConstraintName: 'fk_referral_round_document_round' })
  round?: ReferralRound;

  @ManyToOne(() => Document, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'document_id',
    foreignKeyConstraintName: 'fk_referral_round_document_document',
  })
  document?: Document;

  @Column({ type: 'smallint', unsigned: true })
  position: number;
}

// remissinstans i rundan
@Entity('referral_round_recipient')
@Index('uq_referral_round_recipient_round_organisation', ['roundId', 'organisationId'], {
  unique: true,
})
@Index('ix_referral_round_recipient_organisation', ['organisationId', 'id'])
@Index('ix_referral_round_recipient_own_case', ['ownCaseId'])
// The start page: the latest failed deliveries, the answers of the last days, and who is due by a
// day under an extension.
@Index('ix_referral_round_recipient_status_failed', ['status', 'failedAt'])
@Index('ix_referral_round_recipient_status_answered', ['status', 'answeredAt'])
@Index('ix_referral_round_recipient_status_extended', ['status', 'extendedDeadline'])
export class RoundRecipient {
  @PrimaryGeneratedColumn({ unsigned: true })
  id: number;

  @Column({ name: 'round_id', type: 'int', unsigned: true })
  roundId: number;

  @ManyToOne(() => ReferralRound, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'round_id', foreignKeyConstraintName: 'fk_referral_round_recipient_round' })
  round?: ReferralRound;

  @Column({ name: 'organisation_id', type: 'int', unsigned: true })
  organisationId: number;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'organisation_id',
    foreignKeyConstraintName: 'fk_referral_round_recipient_organisation',
  })
  organisation?: Organisation;

  @Column({ type: 'enum', enum: RECIPIENT_STATUSES, default: 'pending' })
  status: RecipientStatus;

  /** The recipient's own deadline after an extension (anstånd); otherwise the round's applies. */
  @Column({ name: 'extended_deadline', type: 'date', nullable: true })
  extendedDeadline: string | null;

  /** The address the latest invitation went to. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @Column({ name: 'invitation_count', type: 'smallint', unsigned: true, default: 0 })
  invitationCount: number;

  /** The outbox row of the latest invitation; older ones no longer issue links. */
  @Column({ name: 'invitation_outbox_id', type: 'int', unsigned: true, nullable: true })
  invitationOutboxId: number | null;

  @Column({ name: 'sent_at', type: 'datetime', precision: 3, nullable: true })
  sentAt: Date | null;

  /** When the consultee first opened the remiss (its link or its memo); never moved after. */
  @Column({ name: 'opened_at', type: 'datetime', precision: 3, nullable: true })
  openedAt: Date | null;

  @Column({ name: 'failed_at', type: 'datetime', precision: 3, nullable: true })
  failedAt: Date | null;

  @Column({ name: 'failure_reason', type: 'varchar', length: 500, nullable: true })
  failureReason: string | null;

  @Column({ name: 'answered_at', type: 'datetime', precision: 3, nullable: true })
  answeredAt: Date | null;

  @Column({ type: 'tinyint', default: 0, transformer: booleanTransformer })
  late: boolean;

  /** The answer that counts (the latest); earlier ones are kept. */
  @Column({ name: 'response_id', type: 'int', unsigned: true, nullable: true })
  responseId: number | null;

  /** The case the consultee registered the remiss in, in its own series (when it has one). */
  @Column({ name: 'own_case_id', type: 'int', unsigned: true, nullable: true })
  ownCaseId: number | null;

  @ManyToOne(() => Case, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'own_case_id',
    foreignKeyConstraintName: 'fk_referral_round_recipient_own_case',
  })
  ownCase?: Case | null;

  /** The own case's number, when loaded with the recipient (not a column). */
  ownCaseNumber?: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

/**
 * A secure link mailed to a recipient, stored only as the SHA-256 of its token. A recipient may
 * hold several live links (the invitation's, a reminder's); a resend or closing voids them all.
 */
@Entity('referral_round_link')
@Index('uq_referral_round_link_token_hash', ['tokenHash'], { unique: true })
@Index('ix_referral_round_link_recipient', ['recipientId', 'voidedAt'])
@Index('ix_referral_round_link_outbox', ['outboxId'])
export class RoundLink {
  @PrimaryGeneratedColumn({ unsigned: true })
  id: number;

  @Column({ name: 'recipient_id', type: 'int', unsigned: true })
  recipientId: number;

  @ManyToOne(() => RoundRecipient, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'recipient_id',
    foreignKeyConstraintName: 'fk_referral_round_link_recipient',
  })
  recipient?: RoundRecipient;

  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash: string;

  /** The mail that carried it. */
  @Column({ name: 'outbox_id', type: 'int', unsigned: true, nullable: true })
  outboxId: number | null;

  @Column({ name: 'issued_at', type: 'datetime', precision: 3 })
  issuedAt: Date;

  @Column({ name: 'voided_at', type: 'datetime', precision: 3, nullable: true })
  voidedAt: Date | null;
}
