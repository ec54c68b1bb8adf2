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
import { User } from '../users/user.entity.js';

export const EXPORT_STATUSES = ['queued', 'building', 'ready', 'failed'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** The selection as it was asked for; the cases it resolved to are in archive_export_case. */
export interface ExportSelection {
  caseIds?: number[];
  series?: string;
  closedFrom?: string;
  closedTo?: string;
}

// leverans till arkivet: one E-ARK package of closed cases
@Entity('archive_export')
@Index('uq_archive_export_package', ['packageId'], { unique: true })
@Index('ix_archive_export_status', ['status', 'id'])
export class ArchiveExport {
  @PrimaryGeneratedColumn({ unsigned: true })
  id: number;

  /** The package's id (a UUID): the name of its root folder and of the METS OBJID. */
  @Column({ name: 'package_id', type: 'char', length: 36 })
  packageId: string;

  @Column({ type: 'enum', enum: EXPORT_STATUSES, default: 'queued' })
  status: ExportStatus;

  @Column({ type: 'longtext', transformer: jsonTransformer })
  selection: ExportSelection;

  /** Whether a selected case is confidential or holds a confidential document: admins download. */
  @Column({ type: 'tinyint', default: 0, transformer: booleanTransformer })
  confidential: boolean;

  @Column({ name: 'case_count', type: 'int', unsigned: true })
  caseCount: number;

  @Column({ name: 'document_count', type: 'int', unsigned: true })
  documentCount: number;

  // BIGINT comes back from mysql2 as a string; packages are far below 2^53 bytes.
  @Column({
    type: 'bigint',
    unsigned: true,
    nullable: true,
    transformer: {
      to: (value: number | null) => value,
      from: (value: string | null) => (value === null ? null : Number(value)),
    },
  })
  size: number | null;

  @Column({ type: 'char', length: 64, nullable: true })
  sha256: string | null;

  /** Why the export failed: the validator's or the checksum check's message. */
  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** Build attempts so far; only the latest attempt may finish the export. */
  @Column({ type: 'smallint', unsigned: true, default: 0 })
  attempt: number;

  @Column({ name: 'requested_by', type: 'int', unsigned: true, nullable: true })
  requestedBy: number | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'requested_by', foreignKeyConstraintName: 'fk_archive_export_requested_by' })
  requester?: User | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'started_at', type: 'datetime', precision: 3, nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt: Date | null;
}

/** The cases an export resolved its selection to when it was asked for. */
@Entity('archive_export_case')
export class ArchiveExportCase {
  @PrimaryColumn({ name: 'export_id', type: 'int', unsigned: true })
  exportId: number;

  @PrimaryColumn({ name: 'case_id', type: 'int', unsigned: true })
  caseId: number;

  @ManyToOne(() => ArchiveExport, { onDelete: 'CASCADE', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'export_id', foreignKeyConstraintName: 'fk_archive_export_case_export' })
  export?: ArchiveExport;

  @ManyToOne(() => Case, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_archive_export_case_case' })
  case?: Case;
}
