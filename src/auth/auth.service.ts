import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { DomainError } from '../common/domain-error.js';
import type { RequestOrigin } from '../security-log/request-origin.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import { UsersService, type PasswordPolicy, type VerifiedLogin } from '../users/users.service.js';
import { LoginDto, LoginResponseDto } from './dto/login.dto.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly securityLog: SecurityLogService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(credentials: LoginDto, origin: RequestOrigin): Promise<LoginResponseDto> {
    const { user, tokenVersion } = await this.verify(credentials, origin);
    const accessToken = await this.jwt.signAsync({ sub: String(user.id), ver: tokenVersion });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.jwtTtlSeconds, user };
  }

  /**
   * The one credential check for both ways in (the API's token and the pages' session): a failure
   * is written to the security log and answered 401 `invalid_credentials`.
   */
  async verify(credentials: LoginDto, origin: RequestOrigin): Promise<VerifiedLogin> {
    const verified = await this.users.verifyCredentials(
      credentials.email,
      credentials.password,
      { requestId: origin.requestId, clientRequestId: origin.clientRequestId },
      passwordPolicy(this.config),
    );
    // One answer whether the account is unknown, inactive or the password wrong.
    if (!verified) {
      await this.securityLog.record({
        kind: 'login_failed',
        origin,
        account: credentials.email,
      });
      throw new DomainError(
        HttpStatus.UNAUTHORIZED,
        'invalid_credentials',
        'The e-mail address or password is wrong',
      );
    }
    if ('refused' in verified) {
      await this.securityLog.record({
        kind: 'password_login_refused',
        origin,
        account: credentials.email,
        userId: verified.userId,
      });
      throw new DomainError(
        HttpStatus.FORBIDDEN,
        'password_login_not_allowed',
        this.config.passwordLogin === 'none'
          ? 'Password sign-in is turned off; sign in through single sign-on'
          : 'Password sign-in is only for administrators; sign in through single sign-on',
      );
    }
    return verified;
  }
}

/**
 * PASSWORD_LOGIN, the one rule for both ways in (API and pages): `all` lets everyone in, `admins`
 * only admins, `none` nobody. An admin's password sign-in while single sign-on is configured is
 * the break-glass door and audited as such.
 */
export function passwordPolicy(config: Pick<AppConfig, 'passwordLogin' | 'oidc'>): PasswordPolicy {
  return (roles) => {
    if (config.passwordLogin === 'none') return 'refused';
    const admin = roles.includes('admin');
    if (config.passwordLogin === 'admins' && !admin) return 'refused';
    return admin && config.oidc !== null ? 'break_glass' : 'allowed';
  };
}
