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
import { Organisation } from '../organisations/organisation.entity.js';
import { User } from '../users/user.entity.js';
import { MEETING_STATUSES, type MeetingStatus } from './meeting-status.js';

/** A receiver of the decision: an organisation of the directory, or a name only. */
export interface SendToEntry {
  organisationId: number | null;
  name: string;
}

// sammanträde
@Entity('meeting')
@Index('ix_meeting_organisation_date', ['organisationId', 'date'])
@Index('ix_meeting_date', ['date', 'id'])
export class Meeting {
  @PrimaryGeneratedColumn({ unsigned: true })
  id: number;

  @Column({ name: 'organisation_id', type: 'int', unsigned: true })
  organisationId: number;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id', foreignKeyConstraintName: 'fk_meeting_organisation' })
  organisation?: Organisation;

  @Column({ type: 'date' })
  date: string;

  /** `HH:MM`, Stockholm time. */
  @Column({ name: 'starts_at', type: 'char', length: 5, nullable: true })
  startsAt: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  place: string | null;

  // ordförande
  @Column({ type: 'varchar', length: 200, nullable: true })
  chair: string | null;

  // sekreterare
  @Column({ type: 'varchar', length: 200, nullable: true })
  secretary: string | null;

  // justerare
  @Column({ type: 'longtext', transformer: jsonTransformer })
  adjusters: string[];

  // beslutande / närvarande
  @Column({ type: 'longtext', transformer: jsonTransformer })
  present: string[];

  // förvaringsplats för protokollet
  @Column({ name: 'kept_at', type: 'varchar', length: 200, nullable: true })
  keptAt: string | null;

  @Column({ type: 'enum', enum: MEETING_STATUSES, default: 'planned' })
  status: MeetingStatus;

  // justeringsdatum
  @Column({ name: 'adjusted_on', type: 'date', nullable: true })
  adjustedOn: string | null;

  @Column({ name: 'adjusted_by', type: 'int', unsigned: true, nullable: true })
  adjustedBy: number | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'adjusted_by', foreignKeyConstraintName: 'fk_meeting_adjusted_by' })
  adjuster?: User | null;

  // anslaget sätts upp
  @Column({ name: 'notice_posted_on', type: 'date', nullable: true })
  noticePostedOn: string | null;

  @Column({ name: 'created_by', type: 'int', unsigned: true, nullable: true })
  createdBy: number | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_meeting_created_by' })
  creator?: User | null;

  @Column({ type: 'int', unsigned: true, default: 1 })
  version: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

// paragraf (§)
@Entity('meeting_item')
@Index('uq_meeting_item_paragraph', ['organisationId', 'sequenceYear', 'paragraph'], {
  unique: true,
})
@Index('ix_meeting_item_meeting', ['meetingId', 'paragraph'])
@Index('ix_meeting_item_case', ['caseId', 'id'])
export class MeetingItem {
  @PrimaryGeneratedColumn({ unsigned: true })
  id: number;

  @Column({ name: 'meeting_id', type: 'int', unsigned: true })
  meetingId: number;

  @ManyToOne(() => Meeting, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'meeting_id', foreignKeyConstraintName: 'fk_meeting_item_meeting' })
  meeting?: Meeting;

  @Column({ name: 'organisation_id', type: 'int', unsigned: true })
  organisationId: number;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id', foreignKeyConstraintName: 'fk_meeting_item_organisation' })
  organisation?: Organisation;

  /** The numbering year the § belongs to; 0 when the organisation never resets. */
  @Column({ name: 'sequence_year', type: 'smallint', unsigned: true })
  sequenceYear: number;

  @Column({ type: 'int', unsigned: true })
  paragraph: number;

  @Column({ type: 'varchar', length: 500 })
  title: string;

  @Column({ name: 'case_id', type: 'int', unsigned: true, nullable: true })
  caseId: number | null;

  @ManyToOne(() => Case, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_meeting_item_case' })
  case?: Case | null;

  // handlingar
  @Column({ type: 'text', nullable: true })
  documents: string | null;

  // bakgrund
  @Column({ type: 'mediumtext', nullable: true })
  background: string | null;

  // yrkanden
  @Column({ type: 'text', nullable: true })
  proposals: string | null;

  // beslutsgång
  @Column({ name: 'decision_process', type: 'text', nullable: true })
  decisionProcess: string | null;

  // överläggning
  @Column({ type: 'mediumtext', nullable: true })
  deliberation: string | null;

  // beslut
  @Column({ type: 'mediumtext' })
  decision: string;

  // reservationer
  @Column({ type: 'text', nullable: true })
  reservations: string | null;

  /** Expedieras till, in the order given; names as they were when the § was written. */
  @Column({
    name: 'send_to',
    type: 'longtext',
    transformer: jsonTransformer,
  })
  sendTo: SendToEntry[];

  /** Set when the § is adjusted, with its meeting or at once (omedelbar justering). */
  @Column({ name: 'adjusted_on', type: 'date', nullable: true })
  adjustedOn: string | null;

  @Column({
    name: 'adjusted_immediately',
    type: 'tinyint',
    default: 0,
    transformer: booleanTransformer,
  })
  adjustedImmediately: boolean;

  /** The registered final extract (protokollsutdrag), once the § is adjusted. */
  @Column({ name: 'extract_document_id', type: 'int', unsigned: true, nullable: true })
  extractDocumentId: number | null;

  @ManyToOne(() => Document, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'extract_document_id',
    foreignKeyConstraintName: 'fk_meeting_item_extract_document',
  })
  extractDocument?: Document | null;

  @Column({ name: 'created_by', type: 'int', unsigned: true, nullable: true })
  createdBy: number | null;

  @Column({ type: 'int', unsigned: true, default: 1 })
  version: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

/** The last § number used by an organisation in a year (0 = the never-resetting sequence). */
@Entity('paragraph_sequence')
export class ParagraphSequence {
  @PrimaryColumn({ name: 'organisation_id', type: 'int', unsigned: true })
  organisationId: number;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'organisation_id',
    foreignKeyConstraintName: 'fk_paragraph_sequence_organisation',
  })
  organisation?: Organisation;

  @PrimaryColumn({ type: 'smallint', unsigned: true })
  year: number;

  @Column({ name: 'last_value', type: 'int', unsigned: true })
  lastValue: number;
}

// expediering
@Entity('meeting_item_dispatch')
@Index('uq_meeting_item_dispatch_once', ['itemId', 'organisationId'], { unique: true })
export class MeetingItemDispatch {
  @PrimaryGeneratedColumn({ unsigned: true })
  id: number;

  @Column({ name: 'item_id', type: 'int', unsigned: true })
  itemId: number;

  @ManyToOne(() => MeetingItem, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'item_id', foreignKeyConstraintName: 'fk_meeting_item_dispatch_item' })
  item?: MeetingItem;

  @Column({ name: 'organisation_id', type: 'int', unsigned: true })
  organisationId: number;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'organisation_id',
    foreignKeyConstraintName: 'fk_meeting_item_dispatch_organisation',
  })
  organisation?: Organisation;

  @Column({ name: 'document_id', type: 'int', unsigned: true })
  documentId: number;

  @ManyToOne(() => Document, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({
    name: 'document_id',
    foreignKeyConstraintName: 'fk_meeting_item_dispatch_document',
  })
  document?: Document;

  @Column({ name: 'outbox_id', type: 'int', unsigned: true })
  outboxId: number;

  @Column({ name: 'dispatched_by', type: 'int', unsigned: true, nullable: true })
  dispatchedBy: number | null;

  @Column({ name: 'dispatched_at', type: 'datetime', precision: 3 })
  dispatchedAt: Date;
}
