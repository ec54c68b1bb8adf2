import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { UsersController } from './users.controller.js';
import { SsoSignInService } from './sso-sign-in.service.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [OrganisationsModule],
  controllers: [UsersController],
  providers: [UsersService, SsoSignInService],
  exports: [UsersService, SsoSignInService],
})
export class UsersModule {}
