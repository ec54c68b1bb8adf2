import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { UsersModule } from '../users/users.module.js';
import { SignInController } from './sign-in.controller.js';
import { SignOutController } from './sign-out.controller.js';
import { SsoSignInController } from './sso-sign-in.controller.js';
import { WebAuthGuard } from './web-auth.guard.js';
import { WebSessionService } from './web-session.service.js';
import { WebViews } from './web-views.js';

/**
 * The staff pages' foundation: sessions, sign-in, the guard and the renderer (the start page is
 * DeskPagesModule's).
 * Page modules import it for {@link WebViews}, {@link WebAuthGuard} and {@link WebSessionService}.
 */
@Module({
  imports: [AuthModule, UsersModule],
  controllers: [SignInController, SsoSignInController, SignOutController],
  providers: [WebSessionService, WebViews, WebAuthGuard],
  exports: [WebSessionService, WebViews, WebAuthGuard, UsersModule],
})
export class WebModule {}
