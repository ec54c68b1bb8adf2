import { Controller, Get, Inject, Logger, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/decorators.js';
import { mapClaims, profileOf } from '../auth/oidc/oidc-claims.js';
import {
  OidcClientService,
  OidcRefusal,
  PENDING_SIGN_IN_MS,
} from '../auth/oidc/oidc-client.service.js';
import { DomainError } from '../common/domain-error.js';
import { requestIdOf, type IdentifiedRequest } from '../common/request-id.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { originOf } from '../security-log/request-origin.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import { SsoSignInService, type SsoRefusalCode } from '../users/sso-sign-in.service.js';
import { cookieOf, setCookie } from './cookies.js';
import { SESSION_COOKIE, WebSessionService } from './web-session.service.js';
import { WebViews } from './web-views.js';

/** The cookie naming the pending sign-in (state, nonce, PKCE verifier kept in Redis). */
export const SSO_PENDING_COOKIE = 'remiss_sso';

/** What the refusal page says, by the reason. */
const REFUSALS: Record<SsoRefusalCode | 'failed', { status: number; title: string; text: string }> =
  {
    sso_no_role: {
      status: 403,
      title: 'Du har inte behörighet till Remiss',
      text: 'Du har inte behörighet till Remiss – kontakta systemförvaltaren för Remiss om du behöver tillgång. Inget konto har skapats.',
    },
    account_inactive: {
      status: 403,
      title: 'Ditt konto är avstängt',
      text: 'Ditt konto i Remiss är avstängt – kontakta systemförvaltaren för Remiss.',
    },
    sso_email_taken: {
      status: 409,
      title: 'Kontot kunde inte kopplas',
      text: 'Det finns redan ett konto i Remiss med din e-postadress – kontakta systemförvaltaren för Remiss så att kontot kopplas till ditt jobbkonto.',
    },
    failed: {
      status: 400,
      title: 'Inloggningen kunde inte slutföras',
      text: 'Inloggningen med jobbkontot kunde inte slutföras eller hade gått ut. Börja om från inloggningssidan.',
    },
  };

/**
 * Single sign-on for the staff pages: `/login/oidc` sends the browser to the identity provider,
 * which sends it back to `/login/oidc/callback`; the person then gets the same server-side session
 * as a password sign-in.
 */
@Controller('login/oidc')
@Public()
@ApiExcludeController()
export class SsoSignInController {
  private readonly logger = new Logger(SsoSignInController.name);

  constructor(
    private readonly oidc: OidcClientService,
    private readonly ssoUsers: SsoSignInService,
    private readonly sessions: WebSessionService,
    private readonly securityLog: SecurityLogService,
    private readonly views: WebViews,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async start(@Res() response: Response): Promise<void> {
    if (!this.config.oidc) throw DomainError.notFound('Page', 'login/oidc');
    const started = await this.oidc.start();
    // Unreachable provider: the sign-in page says so.
    if (!started) return response.redirect(303, '/login');
    response.cookie(SSO_PENDING_COOKIE, started.flowId, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/login/oidc',
      secure: this.config.publicUrl.protocol === 'https:',
      maxAge: PENDING_SIGN_IN_MS,
    });
    response.redirect(303, started.url.href);
  }

  @Get('callback')
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    if (!this.config.oidc) throw DomainError.notFound('Page', 'login/oidc/callback');
    const origin = originOf(request as Request & IdentifiedRequest);
    const flowId = cookieOf(request, SSO_PENDING_COOKIE);
    response.clearCookie(SSO_PENDING_COOKIE, { path: '/login/oidc' });
    const query = request.originalUrl.includes('?')
      ? request.originalUrl.slice(request.originalUrl.indexOf('?'))
      : '';
    let identity;
    try {
      identity = await this.oidc.complete(flowId, query);
    } catch (error) {
      if (!(error instanceof OidcRefusal)) throw error;
      this.logger.warn(`single sign-on refused: ${error.message}`);
      await this.securityLog.record({ kind: 'sso_refused', origin, account: null });
      return this.refuse(request, response, 'failed');
    }
    const mapped = mapClaims(identity.claims, this.config.oidc);
    const profile = profileOf(identity.claims);
    try {
      const { user, tokenVersion } = await this.ssoUsers.signIn(
        { issuer: identity.issuer, subject: identity.subject, ...profile, ...mapped },
        { requestId: origin.requestId, clientRequestId: origin.clientRequestId },
      );
      await this.sessions.endByCookie(cookieOf(request, SESSION_COOKIE));
      const id = await this.sessions.create(user.id, tokenVersion, identity.idToken);
      setCookie(response, this.config, SESSION_COOKIE, id);
      response.redirect(303, '/');
    } catch (error) {
      if (!(error instanceof DomainError) || !(error.code in REFUSALS)) throw error;
      await this.securityLog.record({
        kind: 'sso_refused',
        origin,
        account: profile.email ?? `${identity.issuer} ${identity.subject}`,
      });
      this.refuse(request, response, error.code as SsoRefusalCode);
    }
  }

  private refuse(request: Request, response: Response, reason: keyof typeof REFUSALS): void {
    const refusal = REFUSALS[reason];
    this.views.render(
      response,
      'sso-refused',
      {
        title: refusal.title,
        text: refusal.text,
        status: refusal.status,
        requestId: requestIdOf(request as Request & IdentifiedRequest),
      },
      { status: refusal.status },
    );
  }
}
