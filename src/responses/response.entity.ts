import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { booleanTransformer } from '../database/transformers.js';
import { Document } from '../documents/document.entity.js';
import { ReferralRound, RoundRecipient } from '../referral-rounds/referral-round.entity.js';
import { User } from '../users/user.entity.js';

/** tillstyrker, tillstyrker med synpunkter, avstyrker, inget att invända, avstår */
export const POSITIONS = [
  'approve',
  'approve_with_comments',
  'reject',
  'no_comments',
  'declined',
] as const;
export type Position = (typeof POSITIONS)[number];

/** How the answer came in: by a user, through the secure link, or registered from mail or paper. */
export const RECEIVED_VIA = ['account', 'link', 'email', 'paper'] as const;
export type ReceivedVia = (typeof RECEIVED_VIA)[number];

// remissvar / yttrande
@Entity('referral_round_response')
@Index('uq_referral_round_response_idempotency', ['recipientId', 'idempotencyKey'], {
  unique: true,
})
@Index('ix_referral_round_response_round', ['roundId', 'id'])
@Index('ix_referral_round_response_recipient', ['recipientId', 'id'])
export class Response {
  @PrimaryGeneratedColumn({ unsigned: true })
  id: number;

  @Column({ name: 'round_id', type: 'int', unsigned: true })
  roundId: number;

  @ManyToOne(() => ReferralRound, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'round_id', foreignKeyConstraintName: 'fk_referral_round_response_round' })
  round?: ReferralRound;

  @Column({ name: 'recipient_id', type: 'int', unsigned: true })
  recipientId: number;

  @ManyToOne(() => RoundRecipient, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'recipient_id',
    foreignKeyConstraintName: 'fk_referral_round_response_recipient',
  })
  recipient?: RoundRecipient;

  @Column({ type: 'enum', enum: POSITIONS })
  position: Position;

  @Column({ type: 'text', nullable: true })
  summary: string | null;

  /** The deciding body's own reference: organ, date, § and its case number. */
  @Column({ name: 'decision_organ', type: 'varchar', length: 200, nullable: true })
  decisionOrgan: string | null;

  @Column({ name: 'decision_date', type: 'date', nullable: true })
  decisionDate: string | null;

  @Column({ name: 'decision_paragraph', type: 'varchar', length: 20, nullable: true })
  decisionParagraph: string | null;

  @Column({ name: 'decision_case_number', type: 'varchar', length: 32, nullable: true })
  decisionCaseNumber: string | null;

  @Column({ name: 'received_via', type: 'enum', enum: RECEIVED_VIA })
  receivedVia: ReceivedVia;

  @Column({ name: 'submitted_by', type: 'int', unsigned: true, nullable: true })
  submittedBy: number | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'submitted_by',
    foreignKeyConstraintName: 'fk_referral_round_response_submitted_by',
  })
  submitter?: User | null;

  @Column({ name: 'submitted_at', type: 'datetime', precision: 3 })
  submittedAt: Date;

  /** Submitted after the recipient's own deadline had passed. */
  @Column({ type: 'tinyint', default: 0, transformer: booleanTransformer })
  late: boolean;

  /** The answer as registered in the case (an incoming document). */
  @Column({ name: 'document_id', type: 'int', unsigned: true })
  documentId: number;

  @ManyToOne(() => Document, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'document_id',
    foreignKeyConstraintName: 'fk_referral_round_response_document',
  })
  document?: Document;

  /** The same answer as an outgoing document of the consultee's own case, when it keeps one. */
  @Column({ name: 'reply_document_id', type: 'int', unsigned: true, nullable: true })
  replyDocumentId: number | null;

  @ManyToOne(() => Document, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'reply_document_id',
    foreignKeyConstraintName: 'fk_referral_round_response_reply_document',
  })
  replyDocument?: Document | null;

  /** The earlier answer this one replaces; both are kept. */
  @Column({ name: 'supersedes_id', type: 'int', unsigned: true, nullable: true })
  supersedesId: number | null;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 100, nullable: true })
  idempotencyKey: string | null;

  /** SHA-256 of the answer's content, so a repeated submission is recognised. */
  @Column({ name: 'body_hash', type: 'char', length: 64 })
  bodyHash: string;
}

/** A comment on one numbered section of the draft (e.g. `4.3 a`). */
@Entity('referral_round_comment')
@Index('ix_referral_round_comment_response', ['responseId', 'position'])
@Index('ix_referral_round_comment_round_section', ['roundId', 'sectionRef'])
export class ResponseComment {
  @PrimaryGeneratedColumn({ unsigned: true })
  id: number;

  @Column({ name: 'response_id', type: 'int', unsigned: true })
  responseId: number;

  @ManyToOne(() => Response, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'response_id',
    foreignKeyConstraintName: 'fk_referral_round_comment_response',
  })
  response?: Response;

  @Column({ name: 'round_id', type: 'int', unsigned: true })
  roundId: number;

  @Column({ name: 'section_ref', type: 'varchar', length: 20 })
  sectionRef: string;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'smallint', unsigned: true })
  position: number;
}

/** A further file sent with an answer, registered as a document of its own. */
@Entity('referral_round_response_document')
@Index('ix_referral_round_response_document_document', ['documentId'])
export class ResponseDocument {
  @PrimaryColumn({ name: 'response_id', type: 'int', unsigned: true })
  responseId: number;

  @PrimaryColumn({ name: 'document_id', type: 'int', unsigned: true })
  documentId: number;

  @ManyToOne(() => Response, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'response_id',
    foreignKeyConstraintName: 'fk_referral_round_response_document_response',
  })
  response?: Response;

  @ManyToOne(() => Document, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'document_id',
    foreignKeyConstraintName: 'fk_referral_round_response_document_document',
  })
  document?: Document;

  @Column({ type: 'smallint', unsigned: true })
  position: number;
}
