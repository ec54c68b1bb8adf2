import { Module } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { REDIS_CLIENT } from '../queue/queue.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { OidcModule } from './oidc/oidc.module.js';
import { LOGIN_THROTTLERS } from './login-throttler.guard.js';
import { UPLOAD_THROTTLER } from './upload-throttler.guard.js';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';

@Module({
  imports: [
    UsersModule,
    OidcModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        // A KeyObject spares jsonwebtoken from trying (and failing) to parse the secret as a
        // public key on every request.
        const key = createSecretKey(Buffer.from(config.jwtSecret));
        return {
          secretOrKeyProvider: () => key,
          signOptions: { algorithm: 'HS256', expiresIn: config.jwtTtlSeconds, issuer: 'remiss' },
          verifyOptions: { algorithms: ['HS256'], issuer: 'remiss' },
        };
      },
    }),
    // The login limits guard the login route, `respond` the secure-link routes and `upload` every
    // route that takes files (per user or per link, all such routes together); each guard applies
    // only its own (see RateLimitGuard). Counts are shared through Redis by every API process.
    // Headers are set by RateLimitGuard: a standard Retry-After, not one per throttler name.
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, REDIS_CLIENT],
      useFactory: (config: AppConfig, redis: Redis) => ({
        throttlers: [
          {
            name: LOGIN_THROTTLERS.addressAndAccount,
            ttl: 60_000,
            limit: config.loginRateLimit,
          },
          {
            name: LOGIN_THROTTLERS.address,
            ttl: 60_000,
            limit: config.loginAddressRateLimit,
          },
          {
            name: LOGIN_THROTTLERS.account,
            ttl: config.loginAccountWindowSeconds * 1000,
            limit: config.loginAccountRateLimit,
          },
          { name: 'respond', ttl: 60_000, limit: config.respondRateLimit },
          { name: UPLOAD_THROTTLER, ttl: 60_000, limit: config.uploadRateLimit },
        ],
        setHeaders: false,
        storage: new RedisThrottlerStorage(redis, config.queuePrefix),
        errorMessage: (_context, detail) => {
          const seconds = Math.max(1, detail.timeToBlockExpire);
          if (detail.key.startsWith('respond')) {
            return 'Too many requests; wait a minute and try again';
          }
          if (detail.key.startsWith(`${UPLOAD_THROTTLER}:`)) {
            return `Too many uploads (at most ${config.uploadRateLimit} a minute); try again in ${seconds} seconds`;
          }
          return `Too many login attempts; try again in ${seconds} seconds`;
        },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, OidcModule],
})
export class AuthModule {}
