import { Column, Entity, Index, JoinTable, ManyToMany, PrimaryGeneratedColumn } from 'typeorm';
import { booleanTransformer } from '../database/transformers.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { ROLES, type Role } from './role.js';

@Entity('user')
@Index('uq_user_email', ['email'], { unique: true })
@Index('ix_user_name', ['name'])
@Index('uq_user_oidc_identity', ['oidcIssuer', 'oidcSubject'], { unique: true })
export class User {
  @PrimaryGeneratedColumn({ unsigned: true })
  id: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  /** Null for a user created through single sign-on: no password sign-in. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true, select: false })
  passwordHash: string | null;

  /** The identity provider's issuer and subject of a user who signs in through it. */
  @Column({ name: 'oidc_issuer', type: 'varchar', length: 255, nullable: true })
  oidcIssuer: string | null;

  @Column({ name: 'oidc_subject', type: 'varchar', length: 255, nullable: true })
  oidcSubject: string | null;

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

  /** Until when an admin allows linking this account to the identity provider at its next sign-in. */
  @Column({ name: 'sso_link_allowed_until', type: 'datetime', precision: 3, nullable: true })
  ssoLinkAllowedUntil: Date | null;
}
