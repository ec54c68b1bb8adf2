import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import type { Page } from '../common/pagination.js';
import { isDuplicateKey } from '../database/errors.js';
import { nextNameCursor, pageByName } from '../database/keyset.js';
import { AuditService } from '../audit/audit.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import {
  CreateUserDto,
  SsoLinkPermitDto,
  UpdateUserDto,
  UserDto,
  UserQueryDto,
} from './dto/user.dto.js';
import { AuthUserCache } from './auth-user-cache.js';
import { assertAnAdminRemains } from './last-admin.js';
import type { Role } from './role.js';
import { User } from './user.entity.js';

export interface AuthenticatedUser {
  id: number;
  email: string;
  name: string;
  roles: Role[];
  organisationIds: number[];
  /** Tokens carrying another version were issued before a password change or deactivation. */
  tokenVersion: number;
}

/** A successful login: the user and the token version to put in the access token. */
export interface VerifiedLogin {
  user: UserDto;
  tokenVersion: number;
}

/**
 * Whether an account holding these roles may sign in with a password: `break_glass` lets it in
 * and audits it as such (an admin while single sign-on is on).
 */
export type PasswordPolicy = (roles: readonly Role[]) => 'allowed' | 'break_glass' | 'refused';

/** How long an admin's permit to link an account to the identity provider lasts. */
export const SSO_LINK_PERMIT_MS = 7 * 24 * 60 * 60 * 1000;

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
const HASH_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

@Injectable()
export class UsersService implements OnModuleInit {
  // Verified against when the e-mail is unknown, so that both cases take the same time.
  private dummyHash = '';

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organisations: OrganisationsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly authUsers: AuthUserCache,
  ) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await argon2.hash(randomBytes(16).toString('hex'), HASH_OPTIONS);
  }

  async create(input: CreateUserDto, actor: Actor): Promise<UserDto> {
    return this.dataSource.transaction(async (manager) => {
      const organisations = await this.organisations.requireAll(manager, input.organisationIds);
      return this.insert(manager, { ...input, organisations }, actor);
    });
  }

  async update(id: number, input: UpdateUserDto, actor: Actor): Promise<UserDto> {
    const updated = await this.dataSource.transaction(async (manager) => {
      // Admin rows first, then the user: two admins demoting each other lock in the same order.
      const activeAdmins = await this.lockActiveAdmins(manager);
      const user = await this.lockedUser(manager, id);
      const before = UserDto.from(user);
      const wasActive = user.active;
      if (input.name !== undefined) user.name = input.name.trim();
      if (input.roles !== undefined) user.roles = input.roles;
      if (input.active !== undefined) user.active = input.active;
      assertAnAdminRemains(activeAdmins, user);
      // Ends every token issued before: a new password or a deactivation must end the sessions
      // of whoever held the old one, and reactivating must not bring them back.
      if (input.password !== undefined || (wasActive && !user.active)) user.tokenVersion += 1;
      if (input.organisationIds !== undefined) {
        user.organisations = await this.organisations.requireAll(manager, input.organisationIds);
      }
      if (input.password !== undefined) {
        user.passwordHash = await argon2.hash(input.password, HASH_OPTIONS);
      }
      user.updatedAt = this.clock.now();
      await manager.save(user);
      const after = UserDto.from(user);
      await this.audit.record(manager, actor, {
        action: input.password === undefined ? 'user.updated' : 'user.password_changed',
        entity: 'user',
        entityId: user.id,
        before,
        after,
      });
      return after;
    });
    // Every process must stop using what it knew of the user before its next request.
    await this.authUsers.changed(id);
    return updated;
  }

  async get(id: number): Promise<UserDto> {
    const user = await this.dataSource.manager.findOne(User, {
      where: { id },
      relations: { organisations: true },
    });
    if (!user) throw DomainError.notFound('User', id);
    return UserDto.from(user);
  }

  /** Sorted by name the Swedish way, with a keyset cursor. */
  async list(query: UserQueryDto): Promise<Page<UserDto>> {
    const limit = query.limit ?? 50;
    const page = pageByName(
      this.dataSource.manager
        .createQueryBuilder(User, 'user')
        .select('user.id', 'id')
        .addSelect('user.name', 'name')
        .limit(limit + 1),
      'user',
      query.cursor,
    );
    if (query.role !== undefined)
      page.andWhere('FIND_IN_SET(:role, user.roles) > 0', { role: query.role });
    if (query.organisationId !== undefined) {
      page.andWhere(
        'EXISTS (SELECT 1 FROM user_organisation uo WHERE uo.user_id = user.id AND uo.organisation_id = :organisationId)',
        { organisationId: query.organisationId },
      );
    }
    const keys = await page.getRawMany<{ id: number; name: string }>();
    const ids = keys.slice(0, limit).map((key) => key.id);
    const users = ids.length
      ? await this.dataSource.manager.find(User, {
          where: ids.map((id) => ({ id })),
          relations: { organisations: true },
        })
      : [];
    const byId = new Map(users.map((user) => [user.id, user]));
    return {
      items: ids.map((id) => UserDto.from(byId.get(id)!)),
      nextCursor: nextNameCursor(keys, limit),
    };
  }

  /**
   * Allows linking a password account to the identity provider for a week: its next sign-in
   * through the provider with the account's e-mail address links it, once. Refused for an account
   * that already has an identity there.
   */
  async allowSsoLink(id: number, actor: Actor): Promise<SsoLinkPermitDto> {
    return this.dataSource.transaction(async (manager) => {
      const user = await this.lockedUser(manager, id);
      if (this.config.oidc === null) {
        throw DomainError.conflict(
          'sso_not_configured',
          'Single sign-on is not configured (OIDC_ISSUER is unset): there is nothing to link to',
        );
      }
      if (user.oidcSubject !== null) {
        throw DomainError.conflict(
          'sso_already_linked',
          'The account already signs in through the identity provider',
        );
      }
      const now = this.clock.now();
      const before = user.ssoLinkAllowedUntil?.toISOString() ?? null;
      user.ssoLinkAllowedUntil = new Date(now.getTime() + SSO_LINK_PERMIT_MS);
      user.updatedAt = now;
      await manager.save(user);
      const permit = { userId: user.id, allowedUntil: user.ssoLinkAllowedUntil.toISOString() };
      await this.audit.record(manager, actor, {
        action: 'user.sso_link_allowed',
        entity: 'user',
        entityId: user.id,
        before: { ssoLinkAllowedUntil: before },
        after: { ssoLinkAllowedUntil: permit.allowedUntil },
      });
      return permit;
    });
  }

  /** Until when the account may be linked to the identity provider, or null. */
  async ssoLinkAllowedUntil(id: number): Promise<Date | null> {
    const user = await this.dataSource.manager.findOne(User, {
      where: { id },
      select: { id: true, ssoLinkAllowedUntil: true },
    });
    if (!user) throw DomainError.notFound('User', id);
    return user.ssoLinkAllowedUntil;
  }

  /**
   * The user behind a token, or null when the account no longer exists or is inactive: kept in
   * memory for a few seconds (see {@link AuthUserCache}), else a single indexed lookup.
   */
  async findActiveForAuth(id: number): Promise<AuthenticatedUser | null> {
    if (!Number.isSafeInteger(id) || id < 1) return null;
    return this.authUsers.get(id, (userId) => this.readActiveForAuth(userId));
  }

  private async readActiveForAuth(id: number): Promise<AuthenticatedUser | null> {
    const [row] = await this.dataSource.query<
      {
        id: number;
        email: string;
        name: string;
        roles: string;
        token_version: number;
        organisation_ids: string | null;
      }[]
    >(
      `SELECT u.id, u.email, u.name, u.roles, u.token_version,
              GROUP_CONCAT(uo.organisation_id) AS organisation_ids
         FROM user u LEFT JOIN user_organisation uo ON uo.user_id = u.id
        WHERE u.id = ? AND u.active = 1
        GROUP BY u.id`,
      [id],
    );
    if (!row) return null;
    return {
      id: row.id,
      email: row.email,
      name: row.name,
      roles: row.roles === '' ? [] : (row.roles.split(',') as Role[]),
      organisationIds: row.organisation_ids ? row.organisation_ids.split(',').map(Number) : [],
      tokenVersion: Number(row.token_version),
    };
  }

  /**
   * The user when the e-mail and password match an active account, else null; `refused` when they
   * match but `policy` does not let the account sign in with a password (nothing is written then).
   */
  async verifyCredentials(
    email: string,
    password: string,
    origin: Pick<Actor, 'requestId' | 'clientRequestId'>,
    policy: PasswordPolicy = () => 'allowed',
  ): Promise<VerifiedLogin | { refused: true; userId: number } | null> {
    const user = await this.dataSource.manager
      .createQueryBuilder(User, 'user')
      .addSelect('user.passwordHash')
      .leftJoinAndSelect('user.organisations', 'organisation')
      .where('user.email = :email', { email: email.toLowerCase() })
      .getOne();
    const matches = await argon2.verify(user?.passwordHash ?? this.dummyHash, password);
    if (!user || !matches || !user.active) return null;
    const decision = policy(user.roles);
    if (decision === 'refused') return { refused: true, userId: user.id };
    const now = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      await manager.update(User, { id: user.id }, { lastLoginAt: now });
      await this.audit.record(
        manager,
        { ...actorOf(user), ...origin },
        decision === 'break_glass'
          ? {
              action: 'user.logged_in_break_glass',
              entity: 'user',
              entityId: user.id,
              after: { method: 'password' },
            }
          : { action: 'user.logged_in', entity: 'user', entityId: user.id },
      );
    });
    user.lastLoginAt = now;
    return { user: UserDto.from(user), tokenVersion: user.tokenVersion };
  }

  /** Creates the first admin from the environment when the user table is empty. */
  async bootstrapAdmin(email: string, password: string, actor: Actor): Promise<UserDto | null> {
    return this.dataSource.transaction(async (manager) => {
      // Serialise concurrent start-ups: only the first one to see an empty table creates the admin.
      await manager.query('SELECT GET_LOCK(?, 30)', ['remiss_bootstrap_admin']);
      try {
        if ((await manager.count(User)) > 0) return null;
        return await this.insert(
          manager,
          { name: 'Systemförvaltare', email, password, roles: ['admin'], organisations: [] },
          actor,
        );
      } finally {
        await manager.query('SELECT RELEASE_LOCK(?)', ['remiss_bootstrap_admin']);
      }
    });
  }

  private async insert(
    manager: EntityManager,
    fields: Omit<CreateUserDto, 'organisationIds'> & { organisations: Organisation[] },
    actor: Actor,
  ): Promise<UserDto> {
    const now = this.clock.now();
    const user = manager.create(User, {
      name: fields.name.trim(),
      email: fields.email.toLowerCase(),
      passwordHash: await argon2.hash(fields.password, HASH_OPTIONS),
      oidcIssuer: null,
      oidcSubject: null,
      roles: fields.roles,
      active: true,
      tokenVersion: 0,
      organisations: fields.organisations,
      createdAt: now,
      updatedAt: now,
      lastLoginAt: null,
    });
    try {
      await manager.save(user);
    } catch (error) {
      throw this.translate(error);
    }
    const dto = UserDto.from(user);
    await this.audit.record(manager, actor, {
      action: 'user.created',
      entity: 'user',
      entityId: user.id,
      after: dto,
    });
    return dto;
  }

  /** The active user, or 400 naming `field` when the id is unknown or the account inactive. */
  async requireActive(manager: EntityManager, id: number, field: string): Promise<User> {
    const user = await manager.findOneBy(User, { id, active: true });
    if (!user) {
      throw DomainError.validation([{ field, messages: [`${field} ${id} is not an active user`] }]);
    }
    return user;
  }

  /** Ids of the active admins, locked until the transaction ends. */
  private async lockActiveAdmins(manager: EntityManager): Promise<number[]> {
    const rows = await manager.query<{ id: number }[]>(
      `SELECT id FROM user WHERE active = 1 AND FIND_IN_SET('admin', roles) > 0
        ORDER BY id FOR UPDATE`,
    );
    return rows.map((row) => Number(row.id));
  }

  private async lockedUser(manager: EntityManager, id: number): Promise<User> {
    const locked = await manager.findOne(User, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!locked) throw DomainError.notFound('User', id);
    locked.organisations = await manager
      .createQueryBuilder(Organisation, 'organisation')
      .innerJoin('user_organisation', 'uo', 'uo.organisation_id = organisation.id')
      .where('uo.user_id = :id', { id })
      .getMany();
    return locked;
  }

  private translate(error: unknown): unknown {
    if (isDuplicateKey(error, 'uq_user_email')) {
      return DomainError.conflict('email_taken', 'A user with this e-mail address already exists', [
        { field: 'email', messages: ['email is already in use'] },
      ]);
    }
    return error;
  }
}

function actorOf(user: User): Actor {
  return {
    userId: user.id,
    label: user.email,
    roles: user.roles,
    organisationIds: user.organisations.map((organisation) => organisation.id),
    requestId: null,
  };
}
