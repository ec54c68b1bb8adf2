import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { booleanTransformer } from '../database/transformers.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { User } from '../users/user.entity.js';
import { CASE_STATUSES, type CaseStatus } from './case-status.js';

// ärende
@Entity('case_record')
@Index('uq_case_record_case_number', ['caseNumber'], { unique: true })
@Index('uq_case_record_series_year_sequence', ['seriesCode', 'year', 'sequence'], { unique: true })
@Index('ix_case_record_status', ['status', 'id'])
@Index('ix_case_record_organisation', ['organisationId', 'id'])
@Index('ft_case_record_text', ['title', 'description'], { fulltext: true })
export class Case {
  @PrimaryGeneratedColumn({ unsigned: true })
  id: number;

  @Column({ name: 'case_number', type: 'varchar', length: 32 })
  caseNumber: string;

  @Column({ name: 'series_code', type: 'varchar', length: 10 })
  seriesCode: string;

  @Column({ type: 'smallint', unsigned: true })
  year: number;

  @Column({ type: 'int', unsigned: true })
  sequence: number;

  @Column({ type: 'varchar', length: 500 })
  title: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'organisation_id', type: 'int', unsigned: true })
  organisationId: number;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id', foreignKeyConstraintName: 'fk_case_record_organisation' })
  organisation?: Organisation;

  @Column({ name: 'officer_id', type: 'int', unsigned: true, nullable: true })
  officerId: number | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'officer_id', foreignKeyConstraintName: 'fk_case_record_officer' })
  officer?: User | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  classification: string | null;

  @Column({ type: 'tinyint', default: 0, transformer: booleanTransformer })
  confidential: boolean;

  @Column({ type: 'enum', enum: CASE_STATUSES, default: 'open' })
  status: CaseStatus;

  @Column({ name: 'closed_reason', type: 'text', nullable: true })
  closedReason: string | null;

  @Column({ name: 'closed_at', type: 'datetime', precision: 3, nullable: true })
  closedAt: Date | null;

  @Column({ name: 'document_count', type: 'int', unsigned: true, default: 0 })
  documentCount: number;

  @Column({ name: 'registered_by', type: 'int', unsigned: true, nullable: true })
  registeredBy: number | null;

  @Column({ type: 'int', unsigned: true, default: 1 })
  version: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
