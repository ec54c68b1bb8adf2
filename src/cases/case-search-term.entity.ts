import { Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Case } from './case.entity.js';

/** One word of a case's title or description (see case-terms.ts), read newest case first. */
@Entity('case_search_term')
export class CaseSearchTerm {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  term: string;

  @PrimaryColumn({ name: 'case_id', type: 'int', unsigned: true })
  caseId: number;

  @ManyToOne(() => Case, { onDelete: 'CASCADE', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_case_search_term_case' })
  case?: Case;
}
