import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isDuplicateKey } from '../database/errors.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { AuthUserCache } from './auth-user-cache.js';
import { UserDto } from './dto/user.dto.js';
import { ROLES, type Role } from './role.js';
import { User } from './user.entity.js';
import type { VerifiedLogin } from './users.service.js';

/** A person the identity provider vouched for, with what the claims map to in Remiss. */
export interface SsoPerson {
  issuer: string;
  subject: string;
  name: string;
  email: string | null;
  roles: Role[];
  organisationKeys: string[];
}

/** Why a single sign-on is refused; the sign-in page explains each in Swedish. */
export type SsoRefusalCode = 'sso_no_role' | 'account_inactive' | 'sso_email_taken';

/**
 * Users who sign in through the identity provider: found by its issuer and subject, created on
 * first sign-in, their roles and organisations set from the claims at every sign-in (audited when
 * they change), all in one transaction.
 */
@Injectable()
export class SsoSignInService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organisations: OrganisationsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly authUsers: AuthUserCache,
  ) {}

  async signIn(
    person: SsoPerson,
    origin: Pick<Actor, 'requestId' | 'clientRequestId'>,
  ): Promise<VerifiedLogin> {
    // Nothing is written for a person the provider gives no Remiss role.
    if (person.roles.length === 0)
      throw refusal('sso_no_role', 'No role is mapped from the claims');
    const login = await this.dataSource.transaction(async (manager) => {
      const organisations = await this.organisations.findByKeys(person.organisationKeys, manager);
      const now = this.clock.now();
      let user = await manager.findOne(User, {
        where: { oidcIssuer: person.issuer, oidcSubject: person.subject },
        lock: { mode: 'pessimistic_write' },
      });
      if (user) {
        user.organisations = await manager
          .createQueryBuilder(Organisation, 'organisation')
          .innerJoin('user_organisation', 'uo', 'uo.organisation_id = organisation.id')
          .where('uo.user_id = :id', { id: user.id })
          .getMany();
      }
      if (user && !user.active) throw refusal('account_inactive', 'The account is deactivated');
      if (!user) user = await this.linkPermitted(manager, person, now, origin);
      if (!user) {
        user = await this.create(manager, person, organisations, origin);
      } else {
        const before = UserDto.from(user);
        user.roles = [...person.roles];
        user.organisations = organisations;
        const after = UserDto.from(user);
        if (
          before.roles.join() !== after.roles.join() ||
          before.organisationIds.join() !== after.organisationIds.join()
        ) {
          user.updatedAt = now;
          await manager.save(user);
          await this.audit.record(manager, this.actorOf(user, origin), {
            action: 'user.updated_from_sso',
            entity: 'user',
            entityId: user.id,
            before: { roles: before.roles, organisationIds: before.organisationIds },
            after: { roles: after.roles, organisationIds: after.organisationIds },
          });
        }
      }
      await manager.update(User, { id: user.id }, { lastLoginAt: now });
      user.lastLoginAt = now;
      await this.audit.record(manager, this.actorOf(user, origin), {
        action: 'user.logged_in',
        entity: 'user',
        entityId: user.id,
        after: { method: 'oidc' },
      });
      return { user: UserDto.from(user), tokenVersion: user.tokenVersion };
    });
    // The claims may have changed the user's roles or organisations.
    await this.authUsers.changed(login.user.id);
    return login;
  }

  /**
   * The password account with the claim's e-mail address, linked to this identity when an admin
   * allowed it (a permit still valid, the account active and not linked already); the permit is
   * used up. Null when no account has the address; refused when one has it without a permit.
   */
  private async linkPermitted(
    manager: EntityManager,
    person: SsoPerson,
    now: Date,
    origin: Pick<Actor, 'requestId' | 'clientRequestId'>,
  ): Promise<User | null> {
    if (person.email === null) return null;
    const user = await manager.findOne(User, {
      where: { email: person.email },
      lock: { mode: 'pessimistic_write' },
    });
    if (!user) return null;
    const permitted =
      user.oidcSubject === null &&
      user.active &&
      user.ssoLinkAllowedUntil !== null &&
      user.ssoLinkAllowedUntil.getTime() > now.getTime();
    // Linking by e-mail alone would let whoever controls the address at the provider take over
    // the account; only an admin's permit allows it.
    if (!permitted) {
      throw refusal('sso_email_taken', 'Another account already has this e-mail address');
    }
    user.organisations = await manager
      .createQueryBuilder(Organisation, 'organisation')
      .innerJoin('user_organisation', 'uo', 'uo.organisation_id = organisation.id')
      .where('uo.user_id = :id', { id: user.id })
      .getMany();
    user.oidcIssuer = person.issuer;
    user.oidcSubject = person.subject;
    user.ssoLinkAllowedUntil = null;
    user.updatedAt = now;
    try {
      await manager.save(user);
    } catch (error) {
      if (isDuplicateKey(error, 'uq_user_oidc_identity')) {
        throw DomainError.conflict('sso_in_progress', 'The account is being linked; try again');
      }
      throw error;
    }
    await this.audit.record(manager, this.actorOf(user, origin), {
      action: 'user.linked_to_sso',
      entity: 'user',
      entityId: user.id,
      before: { signIn: 'password' },
      after: { signIn: 'oidc', issuer: person.issuer, subject: person.subject },
    });
    return user;
  }

  private async create(
    manager: EntityManager,
    person: SsoPerson,
    organisations: User['organisations'],
    origin: Pick<Actor, 'requestId' | 'clientRequestId'>,
  ): Promise<User> {
    const now = this.clock.now();
    // Without an e-mail claim the address is a placeholder that cannot receive mail.
    const email =
      person.email ??
      `${createHash('sha256').update(`${person.issuer} ${person.subject}`).digest('hex').slice(0, 24)}@sso.invalid`;
    const user = manager.create(User, {
      name: person.name,
      email,
      passwordHash: null,
      oidcIssuer: person.issuer,
      oidcSubject: person.subject,
      roles: ROLES.filter((role) => person.roles.includes(role)),
      active: true,
      tokenVersion: 0,
      organisations,
      createdAt: now,
      updatedAt: now,
      lastLoginAt: null,
    });
    try {
      await manager.save(user);
    } catch (error) {
      // Linking by e-mail alone would let whoever controls the address at the provider take over
      // the account; an admin settles it instead.
      if (isDuplicateKey(error, 'uq_user_email')) {
        throw refusal('sso_email_taken', 'Another account already has this e-mail address');
      }
      // Two first sign-ins of one person at once: the other one created the user.
      if (isDuplicateKey(error, 'uq_user_oidc_identity')) {
        throw DomainError.conflict('sso_in_progress', 'The account is being created; try again');
      }
      throw error;
    }
    await this.audit.record(manager, this.actorOf(user, origin), {
      action: 'user.created',
      entity: 'user',
      entityId: user.id,
      after: { ...UserDto.from(user), method: 'oidc' },
    });
    return user;
  }

  private actorOf(user: User, origin: Pick<Actor, 'requestId' | 'clientRequestId'>): Actor {
    return {
      userId: user.id,
      label: user.email,
      roles: user.roles,
      organisationIds: user.organisations.map((organisation) => organisation.id),
      requestId: origin.requestId,
      clientRequestId: origin.clientRequestId ?? null,
    };
  }
}

function refusal(code: SsoRefusalCode, message: string): DomainError {
  return new DomainError(HttpStatus.FORBIDDEN, code, message);
}
