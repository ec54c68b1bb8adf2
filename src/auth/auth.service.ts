import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { DomainError } from '../common/domain-error.js';
import { UsersService } from '../users/users.service.js';
import { LoginDto, LoginResponseDto } from './dto/login.dto.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(credentials: LoginDto, requestId: string | null): Promise<LoginResponseDto> {
    const user = await this.users.verifyCredentials(
      credentials.email,
      credentials.password,
      requestId,
    );
    // One answer whether the account is unknown, inactive or the password wrong.
    if (!user) {
      throw new DomainError(
        HttpStatus.UNAUTHORIZED,
        'invalid_credentials',
        'The e-mail address or password is wrong',
      );
    }
    const accessToken = await this.jwt.signAsync({ sub: String(user.id) });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.jwtTtlSeconds, user };
  }
}
