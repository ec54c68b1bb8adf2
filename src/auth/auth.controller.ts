import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request } from 'express';
import { originOf } from '../security-log/request-origin.js';
import { LoginThrottlerGuard } from './login-throttler.guard.js';
import type { Actor } from '../common/actor.js';
import { UserDto } from '../users/dto/user.dto.js';
import { UsersService } from '../users/users.service.js';
import { AuthService } from './auth.service.js';
import { CurrentActor, Public } from './decorators.js';
import type { AuthenticatedRequest } from './decorators.js';
import { LoginDto, LoginResponseDto } from './dto/login.dto.js';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Post('login')
  @Public()
  @SkipThrottle({ respond: true })
  @UseGuards(LoginThrottlerGuard)
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiUnauthorizedResponse({ description: 'Wrong e-mail address or password' })
  @ApiTooManyRequestsResponse({
    description:
      'Too many attempts from this address, for this account, or both; `Retry-After` says how many seconds to wait',
  })
  login(
    @Body() body: LoginDto,
    @Req() request: Request & AuthenticatedRequest,
  ): Promise<LoginResponseDto> {
    return this.auth.login(body, originOf(request));
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOkResponse({ type: UserDto })
  me(@CurrentActor() actor: Actor): Promise<UserDto> {
    return this.users.get(actor.userId ?? 0);
  }
}
