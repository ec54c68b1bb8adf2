import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error.js';
import type { Role } from '../users/role.js';
import { UsersService } from '../users/users.service.js';
import { AuthenticatedRequest, IS_PUBLIC, ROLES_KEY } from './decorators.js';

export interface AccessTokenClaims {
  sub: string;
}

/**
 * Global guard: every route needs a valid bearer token unless marked `@Public()`, and the user's
 * roles must include one that the route's `@Roles()` names. The user is re-read on every request so
 * that a deactivated account or a removed role takes effect at once.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!token) throw unauthorized('A bearer token is required');

    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token);
    } catch {
      throw unauthorized('The access token is invalid or has expired');
    }
    const user = await this.users.findActiveForAuth(Number(claims.sub));
    if (!user) throw unauthorized('The access token is invalid or has expired');

    request.actor = {
      userId: user.id,
      label: user.email,
      roles: user.roles,
      organisationIds: user.organisationIds,
      requestId: request.id === undefined ? null : String(request.id),
    };

    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (allowed && !allowed.some((role) => user.roles.includes(role))) {
      throw new DomainError(
        HttpStatus.FORBIDDEN,
        'forbidden',
        `This requires one of the roles: ${allowed.join(', ')}`,
      );
    }
    return true;
  }
}

function unauthorized(message: string): DomainError {
  return new DomainError(HttpStatus.UNAUTHORIZED, 'unauthorized', message);
}
