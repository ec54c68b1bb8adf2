import { Column, Entity, Index, JoinTable, ManyToMany, PrimaryGeneratedColumn } from 'typeorm';
import { booleanTransformer } from '../database/transformers.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { ROLES, type Role } from './role.js';

@Entity('user')
@Index('uq_user_email', ['email'], { unique: true })
@Index('ix_user_name', ['name'])
export class User {
  @PrimaryGeneratedColumn({ unsigned: true })
  id: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255, select: false })
  passwordHash: string;

  @Column({ type: 'set', enum: ROLES })
  roles: Role[];

  @Column({ type: 'tinyint', default: 1, transformer: booleanTransformer })
  active: boolean;

  /** Raised when a password changes or the account is deactivated: older tokens stop working. */
  @Column({ name: 'token_version', type: 'int', unsigned: true, default: 0 })
  tokenVersion: number;

  @ManyToMany(() => Organisation)
  @JoinTable({
    name: 'user_organisation',
    joinColumn: {
      name: 'user_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'fk_user_organisation_user',
    },
    inverseJoinColumn: {
      name: 'organisation_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'fk_user_organisation_organisation',
    },
  })
  organisations: Organisation[];

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;

  @Column({ name: 'last_login_at', type: 'datetime', precision: 3, nullable: true })
  lastLoginAt: Date | null;
}
