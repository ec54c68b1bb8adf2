import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { booleanTransformer } from '../database/transformers.js';
import { ORGANISATION_KINDS, type OrganisationKind } from './organisation-kind.js';

// organ / remissinstans
@Entity('organisation')
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

  @Column({ type: 'tinyint', transformer: booleanTransformer })
  active: boolean;

  @Column({ type: 'int', unsigned: true })
  version: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
