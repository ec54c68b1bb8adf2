import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error.js';
import { originOf } from '../security-log/request-origin.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import { UsersService } from '../users/users.service.js';
import { clientRequestIdOf, requestIdOf } from '../common/request-id.js';
import { acceptedClaims, type AccessTokenClaims } from './access-token.js';
import { OidcAccessTokenVerifier } from './oidc/oidc-access-token.js';
import { AuthenticatedRequest, IS_PUBLIC } from './decorators.js';
import { actorOf, assertRouteRoles } from './request-actor.js';

/**
 * Global guard: every route needs a valid bearer token unless marked `@Public()`, and the user's
 * roles must include one that the route's `@Roles()` names. The user is checked on every request
 * (see AuthUserCache), so that a deactivated account, a removed role or a changed password takes
 * effect at once.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    private readonly securityLog: SecurityLogService,
    private readonly providerTokens: OidcAccessTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!token) throw unauthorized('A bearer token is required');

    let claims: AccessTokenClaims | null;
    try {
      claims = acceptedClaims(await this.jwt.verifyAsync<object>(token));
    } catch {
      claims = null;
    }
    if (!claims) {
      // Not one of ours: perhaps the identity provider's, for OIDC_API_AUDIENCE.
      const actor = this.providerTokens.enabled
        ? await this.providerTokens.actorOf(token, {
            requestId: requestIdOf(request),
            clientRequestId: clientRequestIdOf(request),
          })
        : null;
      if (!actor) return this.refuseToken(request, null, null);
      request.actor = actor;
      assertRouteRoles(this.reflector, context, actor);
      return true;
    }
    // A token issued before the password changed or the account was deactivated has an older
    // version than the user's; it stays dead even after the account is reactivated.
    const user = await this.users.findActiveForAuth(Number(claims.sub));
    if (!user || user.tokenVersion !== claims.ver) {
      return this.refuseToken(request, Number(claims.sub), user?.email ?? null);
    }

    request.actor = actorOf(user, request);
    assertRouteRoles(this.reflector, context, user);
    return true;
  }

  /**
   * 401 for a token that was presented but is not good: forged, expired, or from a session that
   * has ended. Logged, so that replaying an old or stolen token shows in the security log.
   */
  private async refuseToken(
    request: Request & AuthenticatedRequest,
    userId: number | null,
    account: string | null,
  ): Promise<never> {
    await this.securityLog.record({
      kind: 'token_refused',
      origin: originOf(request),
      account,
      userId,
    });
    throw unauthorized('The access token is invalid or has expired');
  }
}

function unauthorized(message: string): DomainError {
  return new DomainError(HttpStatus.UNAUTHORIZED, 'unauthorized', message);
}
