import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Case } from '../cases/case.entity.js';
import { DOCUMENT_DIRECTIONS, type DocumentDirection } from './document-direction.js';

// handling
@Entity('document')
@Index('uq_document_document_number', ['documentNumber'], { unique: true })
@Index('uq_document_case_number', ['caseId', 'number'], { unique: true })
@Index('ix_document_registered_at', ['registeredAt', 'id'])
@Index('ix_document_sha256', ['sha256'])
export class Document {
  @PrimaryGeneratedColumn({ unsigned: true })
  id: number;

  @Column({ name: 'case_id', type: 'int', unsigned: true })
  caseId: number;

  @ManyToOne(() => Case, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_document_case' })
  case?: Case;

  @Column({ type: 'int', unsigned: true })
  number: number;

  @Column({ name: 'document_number', type: 'varchar', length: 48 })
  documentNumber: string;

  @Column({ type: 'enum', enum: DOCUMENT_DIRECTIONS })
  direction: DocumentDirection;

  @Column({ type: 'varchar', length: 500 })
  title: string;

  @Column({ type: 'varchar', length: 300, nullable: true })
  counterpart: string | null;

  @Column({ name: 'document_date', type: 'date' })
  date: string;

  @Column({ name: 'registered_at', type: 'datetime', precision: 3 })
  registeredAt: Date;

  @Column({ name: 'registered_by', type: 'int', unsigned: true, nullable: true })
  registeredBy: number | null;

  @Column({ name: 'file_name', type: 'varchar', length: 255 })
  fileName: string;

  @Column({ name: 'mime_type', type: 'varchar', length: 127 })
  mimeType: string;

  // BIGINT comes back from mysql2 as a string; files are far below 2^53 bytes.
  @Column({
    type: 'bigint',
    unsigned: true,
    transformer: { to: (value: number) => value, from: (value: string) => Number(value) },
  })
  size: number;

  @Column({ type: 'char', length: 64 })
  sha256: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  confidentiality: string | null;
}
