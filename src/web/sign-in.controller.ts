import { setTimeout as delay } from 'node:timers/promises';
import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { DomainError } from '../common/domain-error.js';
import type { IdentifiedRequest } from '../common/request-id.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { AuthService } from '../auth/auth.service.js';
import { OidcClientService } from '../auth/oidc/oidc-client.service.js';
import { Public } from '../auth/decorators.js';
import { LoginDto } from '../auth/dto/login.dto.js';
import { LoginThrottlerGuard } from '../auth/login-throttler.guard.js';
import { originOf } from '../security-log/request-origin.js';
import { UsersService } from '../users/users.service.js';
import { clearCookie, cookieOf, setCookie } from './cookies.js';
import { emptyForm, formErrorsOf, formToDto, type FormDefinition } from './forms.js';
import { assertOwnOrigin, csrfRefused, CSRF_FIELD } from './web-auth.guard.js';
import {
  LOGIN_CSRF_COOKIE,
  randomToken,
  sameToken,
  SESSION_COOKIE,
  WebSessionService,
} from './web-session.service.js';
import { WebViews } from './web-views.js';

const LOGIN_FORM: FormDefinition = {
  email: { label: 'E-postadress' },
  password: { label: 'Lösenord' },
};

/** Why a correct password was not let in, as the sign-in page says it. */
const PASSWORD_REFUSED = {
  admins:
    'Inloggning med lösenord är bara för administratörer. Logga in med ditt jobbkonto i stället.',
  none: 'Inloggning med lösenord är avstängd. Logga in med ditt jobbkonto i stället.',
} as const;

/** Only a path on this site: one leading slash (not `//host` or `/\host`), else the start page. */
export function safeNext(next: unknown): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it refuses
  if (typeof next !== 'string' || !/^\/(?![/\\])/.test(next) || /[\u0000-\u001f]/.test(next)) {
    return '/';
  }
  return next;
}

/**
 * Sign-in and sign-out of the staff pages. The password check, the login limits (per address, per
 * account, both) and the security log are the API login's own.
 */
@Controller()
@Public()
@ApiExcludeController()
export class SignInController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly sessions: WebSessionService,
    private readonly views: WebViews,
    private readonly oidc: OidcClientService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('login')
  async form(@Req() request: Request, @Res() response: Response, @Query('next') next?: string) {
    // Already signed in: straight on.
    if (await this.sessions.touch(cookieOf(request, SESSION_COOKIE))) {
      return response.redirect(303, safeNext(next));
    }
    await this.show(response, request, next, emptyForm(), false, 200);
  }

  @Post('login')
  @HttpCode(303)
  @SkipThrottle({ respond: true })
  @UseGuards(LoginThrottlerGuard)
  async signIn(
    @Req() request: Request,
    @Res() response: Response,
    @Query('next') next?: string,
  ): Promise<void> {
    assertOwnOrigin(request, this.config);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const expected = cookieOf(request, LOGIN_CSRF_COOKIE);
    if (!expected || !sameToken(body[CSRF_FIELD], expected)) throw csrfRefused();
    const typed = { email: typeof body.email === 'string' ? body.email : '' };
    let credentials: LoginDto;
    try {
      credentials = await formToDto(LoginDto, LOGIN_FORM, {
        email: body.email,
        password: body.password,
      });
    } catch (error) {
      const errors = formErrorsOf(LOGIN_FORM, error);
      if (!errors) throw error;
      return this.show(response, request, next, { values: typed, errors }, false, 400);
    }
    try {
      const { user, tokenVersion } = await this.auth.verify(
        credentials,
        originOf(request as Request & IdentifiedRequest),
      );
      await this.sessions.endByCookie(cookieOf(request, SESSION_COOKIE));
      const id = await this.sessions.create(user.id, tokenVersion);
      setCookie(response, this.config, SESSION_COOKIE, id);
      clearCookie(response, this.config, LOGIN_CSRF_COOKIE);
      response.redirect(303, safeNext(next));
    } catch (error) {
      if (error instanceof DomainError && error.code === 'password_login_not_allowed') {
        const text = PASSWORD_REFUSED[this.config.passwordLogin === 'none' ? 'none' : 'admins'];
        return this.show(response, request, next, { values: typed, errors: [] }, false, 403, text);
      }
      if (!(error instanceof DomainError) || error.code !== 'invalid_credentials') throw error;
      await this.show(response, request, next, { values: typed, errors: [] }, true, 401);
    }
  }

  /** A single-use address (the demo prints one) that signs its user in. */
  @Get('login/once/:token')
  async once(@Param('token') token: string, @Res() response: Response): Promise<void> {
    const userId = await this.sessions.redeemOneTimeSignIn(token);
    const user = userId === null ? null : await this.users.findActiveForAuth(userId);
    if (!user) throw new DomainError(404, 'not_found', 'The sign-in link is unknown or used');
    const id = await this.sessions.create(user.id, user.tokenVersion);
    setCookie(response, this.config, SESSION_COOKIE, id);
    response.redirect(303, '/');
  }

  private async show(
    response: Response,
    request: Request,
    next: string | undefined,
    form: ReturnType<typeof emptyForm>,
    failed: boolean,
    status: number,
    passwordRefused: string | null = null,
  ): Promise<void> {
    const settings = this.config.oidc;
    // Tries discovery again when it is due, so the button comes back once the provider does; a
    // provider that hangs holds the page up a second at most.
    if (settings) await Promise.race([this.oidc.discovered(), delay(1_000, null, { ref: false })]);
    const sso = settings
      ? { displayName: settings.displayName, available: this.oidc.status().state === 'ready' }
      : null;
    // A fresh token each time the form is shown; the cookie and the field must match.
    const loginCsrf = randomToken();
    setCookie(response, this.config, LOGIN_CSRF_COOKIE, loginCsrf);
    const target = safeNext(next);
    this.views.render(
      response,
      'login',
      {
        title: failed || form.errors.length || passwordRefused ? 'Fel vid inloggning' : 'Logga in',
        form,
        failed,
        passwordRefused,
        sso,
        passwordForm: this.config.passwordLogin !== 'none',
        adminsOnly: this.config.passwordLogin === 'admins',
        loginCsrf,
        action: target === '/' ? '/login' : `/login?next=${encodeURIComponent(target)}`,
      },
      { status },
    );
    void request;
  }
}
