import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { booleanTransformer } from '../database/transformers.js';
import { ORGANISATION_KINDS, type OrganisationKind } from './organisation-kind.js';
import { PARAGRAPH_NUMBERINGS, type ParagraphNumbering } from './paragraph-numbering.js';

// organ / remissinstans
@Entity('organisation')
@Index('uq_organisation_name', ['name'], { unique: true })
@Index('uq_organisation_series_code', ['seriesCode'], { unique: true })
@Index('ix_organisation_kind_name', ['kind', 'name'])
export class Organisation {
  @PrimaryGeneratedColumn({ unsigned: true })
  id: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'enum', enum: ORGANISATION_KINDS })
  kind: OrganisationKind;

  @Column({ name: 'series_code', type: 'varchar', length: 10, nullable: true })
  seriesCode: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @Column({ name: 'parent_id', type: 'int', unsigned: true, nullable: true })
  parentId: number | null;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'parent_id', foreignKeyConstraintName: 'fk_organisation_parent' })
  parent?: Organisation | null;

  @Column({ type: 'tinyint', default: 1, transformer: booleanTransformer })
  active: boolean;

  /** How its meetings number their paragraphs (§): anew each year, or never reset. */
  @Column({
    name: 'paragraph_numbering',
    type: 'enum',
    enum: PARAGRAPH_NUMBERINGS,
    default: 'yearly',
  })
  paragraphNumbering: ParagraphNumbering;

  @Column({ type: 'int', unsigned: true, default: 1 })
  version: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
