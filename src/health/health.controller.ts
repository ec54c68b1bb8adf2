import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  type HealthIndicatorResult,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../auth/decorators.js';
import { OidcClientService } from '../auth/oidc/oidc-client.service.js';
import { RedisHealthIndicator } from './redis.health.js';

/**
 * Terminus's result, with `degraded` when the API works but queued work waits (Redis down), and
 * `warnings` for what does not change the status: an unreachable identity provider leaves
 * password sign-in (break-glass) and existing sessions working.
 */
type HealthResult = Omit<HealthCheckResult, 'status'> & {
  status: HealthCheckResult['status'] | 'degraded';
  warnings?: Record<string, { status: string; lastError: string | null; checkedAt: string | null }>;
};

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly oidc: OidcClientService,
  ) {}

  /**
   * 503 only when the API cannot serve (the database is down). Without Redis the API still
   * answers and keeps mail in the outbox, so it answers 200 with status `degraded`: a load
   * balancer should not take it out of service.
   */
  @Get()
  @Public()
  @HealthCheck()
  @ApiOkResponse({
    description:
      'Status `ok`, or `degraded` when Redis is down (mail waits); `warnings.identityProvider` when single sign-on is configured but its provider unreachable',
  })
  @ApiServiceUnavailableResponse({ description: 'The database is down; the body names it' })
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthResult> {
    const [database, redis] = await Promise.all([
      this.run(() => this.database.pingCheck('database', { timeout: 1_500 })),
      this.redis.isHealthy('redis'),
    ]);
    const results: HealthIndicatorResult = { ...database, ...redis };
    const entries = Object.entries<HealthIndicatorResult[string]>(results);
    const up = Object.fromEntries(entries.filter(([, value]) => value.status === 'up'));
    const down = Object.fromEntries(entries.filter(([, value]) => value.status !== 'up'));
    const databaseUp = database.database?.status === 'up';
    // Monitoring reads the same body whether healthy or not; only the status code changes.
    if (!databaseUp) response.status(503);
    const identityProvider = this.oidc.status();
    return {
      status: !databaseUp ? 'error' : Object.keys(down).length > 0 ? 'degraded' : 'ok',
      info: up,
      error: down,
      details: results,
      ...(identityProvider.state === 'unavailable'
        ? {
            warnings: {
              identityProvider: {
                status: 'unavailable',
                lastError: identityProvider.lastError,
                checkedAt: identityProvider.checkedAt,
              },
            },
          }
        : {}),
    };
  }

  private async run(
    check: () => PromiseLike<HealthIndicatorResult>,
  ): Promise<HealthIndicatorResult> {
    try {
      return await check();
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        const body = error.getResponse() as HealthCheckResult;
        return body.details;
      }
      throw error;
    }
  }
}
