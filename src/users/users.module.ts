import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { UsersController } from './users.controller.js';
import { AuthUserCache } from './auth-user-cache.js';
import { SsoSignInService } from './sso-sign-in.service.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [OrganisationsModule],
  controllers: [UsersController],
  providers: [UsersService, SsoSignInService, AuthUserCache],
  exports: [UsersService, SsoSignInService, AuthUserCache],
})
export class UsersModule {}
