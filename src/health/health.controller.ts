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
import { RedisHealthIndicator } from './redis.health.js';

/** Terminus's result, with `degraded` when the API works but queued work waits (Redis down). */
type HealthResult = Omit<HealthCheckResult, 'status'> & {
  status: HealthCheckResult['status'] | 'degraded';
};

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  /**
   * 503 only when the API cannot serve (the database is down). Without Redis the API still
   * answers and keeps mail in the outbox, so it answers 200 with status `degraded`: a load
   * balancer should not take it out of service.
   */
  @Get()
  @Public()
  @HealthCheck()
  @ApiOkResponse({ description: 'Status `ok`, or `degraded` when Redis is down (mail waits)' })
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
    return {
      status: !databaseUp ? 'error' : Object.keys(down).length > 0 ? 'degraded' : 'ok',
      info: up,
      error: down,
      details: results,
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
