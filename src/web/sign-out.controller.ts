import { Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Inject } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { clearCookie } from './cookies.js';
import { WebPages, type WebRequest } from './web-auth.guard.js';
import { SESSION_COOKIE, WebSessionService } from './web-session.service.js';

/** "Logga ut": a form post like any other page's, so the guard checks its CSRF token. */
@WebPages()
export class SignOutController {
  constructor(
    private readonly sessions: WebSessionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('logout')
  async signOut(@Res() response: Response): Promise<void> {
    const request = response.req as WebRequest;
    if (request.web) await this.sessions.end(request.web.session);
    clearCookie(response, this.config, SESSION_COOKIE);
    response.redirect(303, '/login');
  }
}
