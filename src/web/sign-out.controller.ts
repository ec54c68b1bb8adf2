import { Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Inject } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import { OidcClientService } from '../auth/oidc/oidc-client.service.js';
import type { AppConfig } from '../config/env.schema.js';
import { clearCookie } from './cookies.js';
import { WebPages, type WebRequest } from './web-auth.guard.js';
import { SESSION_COOKIE, WebSessionService } from './web-session.service.js';

/**
 * "Logga ut": a form post like any other page's, so the guard checks its CSRF token. It ends the
 * Remiss session, and the provider's when the session came from single sign-on.
 */
@WebPages()
export class SignOutController {
  constructor(
    private readonly sessions: WebSessionService,
    private readonly oidc: OidcClientService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('logout')
  async signOut(@Res() response: Response): Promise<void> {
    const request = response.req as WebRequest;
    const idToken = request.web?.session.session.idToken;
    if (request.web) await this.sessions.end(request.web.session);
    clearCookie(response, this.config, SESSION_COOKIE);
    // A session from single sign-on ends at the provider too, which sends the browser back to
    // /login (the post-logout redirect URI registered there).
    const atProvider = idToken ? this.oidc.endSessionUrl(idToken) : null;
    response.redirect(303, atProvider?.href ?? '/login');
  }
}
