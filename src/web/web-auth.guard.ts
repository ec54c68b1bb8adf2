import {
  applyDecorators,
  CanActivate,
  Controller,
  createParamDecorator,
  ExecutionContext,
  HttpStatus,
  Inject,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { WebRedirect } from '../common/web-redirect.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { UsersService } from '../users/users.service.js';
import { Public, type AuthenticatedRequest } from '../auth/decorators.js';
import { cookieOf } from './cookies.js';
import {
  sameToken,
  SESSION_COOKIE,
  WebSessionService,
  type OpenSession,
} from './web-session.service.js';
import { actorOf, assertRouteRoles } from '../auth/request-actor.js';

/** What a staff page knows about its request once the guard has let it through. */
export type WebRequest = Request &
  AuthenticatedRequest & {
    web?: {
      session: OpenSession;
      userName: string;
      /** The flash message taken from the session for this page (shown once). */
      flash: string | null;
    };
  };

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The form field (or, for multipart forms, the `_csrf` query parameter) carrying the token. */
export const CSRF_FIELD = '_csrf';

/**
 * Refuses a post whose `Origin` is another site's (absent is allowed: older browsers). Our own
 * origin is PUBLIC_URL's, or the one the request was addressed to (a service reached as
 * 127.0.0.1 while PUBLIC_URL says localhost): another site cannot make a browser send a post
 * whose Origin matches the Host it is sent to.
 */
export function assertOwnOrigin(request: Request, config: Pick<AppConfig, 'publicUrl'>): void {
  const origin = request.headers.origin;
  if (origin === undefined || origin === config.publicUrl.origin) return;
  const host = request.get('host');
  if (host !== undefined && origin === `${request.protocol}://${host}`) return;
  throw csrfRefused();
}

export function csrfRefused(): DomainError {
  return new DomainError(
    HttpStatus.FORBIDDEN,
    'csrf_failed',
    'The form did not carry this session’s token or came from another site',
  );
}

/**
 * The staff pages' guard: resolves the session cookie into the same {@link Actor} the API builds
 * (checking the user on every request, so deactivation, a removed role or a password change take
 * effect at once), sends a browser without a session to the sign-in page, applies `@Roles()` and
 * checks the CSRF token and `Origin` of every post.
 *
 * The token is read from the form field `_csrf` (urlencoded forms), the `X-CSRF-Token` header, or
 * the `_csrf` query parameter. Multipart forms (file uploads) are parsed only after guards run, so
 * they put the token in the action's query: `action="/x?_csrf={{csrfToken}}"`.
 */
@Injectable()
export class WebAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: WebSessionService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WebRequest>();
    const unsafe = UNSAFE_METHODS.has(request.method);
    if (unsafe) assertOwnOrigin(request, this.config);

    const open = await this.sessions.touch(cookieOf(request, SESSION_COOKIE));
    const user = open ? await this.users.findActiveForAuth(open.session.userId) : null;
    if (!open || !user || user.tokenVersion !== open.session.tokenVersion) {
      if (open) await this.sessions.end(open);
      // A form posted after the session ended is not carried out: sign in and do it again.
      if (unsafe) throw new WebRedirect('/login');
      throw new WebRedirect(`/login?next=${encodeURIComponent(request.originalUrl)}`);
    }

    if (unsafe) {
      const body = request.body as Record<string, unknown> | undefined;
      const given =
        body?.[CSRF_FIELD] ?? request.headers['x-csrf-token'] ?? request.query[CSRF_FIELD];
      if (!sameToken(given, open.session.csrf)) throw csrfRefused();
      if (body && typeof body === 'object') delete body[CSRF_FIELD];
    }

    let flash: string | null = null;
    if (!unsafe && open.session.flash !== null) {
      flash = open.session.flash;
      open.session.flash = null;
      await this.sessions.save(open);
    }
    request.web = { session: open, userName: user.name, flash };
    request.actor = actorOf(user, request);
    assertRouteRoles(this.reflector, context, user);
    return true;
  }
}

/**
 * Marks a controller as staff pages: open to the API's bearer guard, left out of the OpenAPI
 * document, and guarded by the session instead. Combine with `@Roles()` on the class or route.
 */
export function WebPages(prefix = ''): ClassDecorator {
  return applyDecorators(
    Controller(prefix),
    Public(),
    ApiExcludeController(),
    UseGuards(WebAuthGuard),
  );
}

/** The signed-in user of a staff page as an {@link Actor}, the same shape the API's routes get. */
export const WebActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<WebRequest>();
  if (!request.actor) throw new Error('WebActor used on a route without WebAuthGuard');
  return request.actor;
});
