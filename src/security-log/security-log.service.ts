import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { DataSource, LessThan, type FindOptionsWhere } from 'typeorm';
import type { Request } from 'express';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import type { IdentifiedRequest } from '../common/request-id.js';
import type { ForbiddenRecorder } from '../common/all-exceptions.filter.js';
import { decodeCursor, encodeCursor, type Page } from '../common/pagination.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { REDIS_CLIENT } from '../queue/redis-client.js';
import { SecurityEventDto, SecurityEventQueryDto } from './dto/security-event.dto.js';
import { originOf, type RequestOrigin } from './request-origin.js';
import { SecurityEvent, type SecurityEventKind } from './security-event.entity.js';
import { bucketOf, minuteOf } from './security-log-bucket.js';

export interface SecurityIncident {
  kind: SecurityEventKind;
  origin: RequestOrigin;
  /** The e-mail address tried, or the caller's account. */
  account?: string | null;
  userId?: number | null;
}

/**
 * Failed logins, refused (403) requests and rate-limited (429) requests, for admins to read.
 * Writing never fails or slows the refused request beyond one small upsert.
 */
@Injectable()
export class SecurityLogService implements ForbiddenRecorder {
  private readonly logger = new Logger(SecurityLogService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async record(incident: SecurityIncident): Promise<void> {
    try {
      const now = this.clock.now();
      const minute = minuteOf(now);
      const [byAddress, overall] = await this.countThisMinute(
        minute,
        incident.origin.clientAddress,
      );
      const bucket = bucketOf(incident, byAddress, overall);
      await this.dataSource.query(
        `INSERT INTO security_event
           (kind, minute, client_address, method, route, account, user_id, count, first_at, last_at,
            request_id, client_request_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE count = count + 1, last_at = VALUES(last_at)`,
        [
          incident.kind,
          minute,
          bucket.clientAddress,
          bucket.method,
          bucket.route,
          bucket.account,
          bucket.userId,
          now,
          now,
          incident.origin.requestId,
          incident.origin.clientRequestId,
        ],
      );
    } catch (error) {
      this.logger.error(`Security event not recorded: ${(error as Error).message}`);
    }
  }

  /** A 403: who was refused what. */
  recordForbidden(request: Request & IdentifiedRequest & { actor?: Actor }): Promise<void> {
    return this.record({
      kind: 'forbidden',
      origin: originOf(request),
      account: request.actor?.label ?? null,
      userId: request.actor?.userId ?? null,
    });
  }

  /** Newest first; filter by kind, address or account to follow one campaign. */
  async list(query: SecurityEventQueryDto): Promise<Page<SecurityEventDto>> {
    const limit = query.limit ?? 50;
    const where: FindOptionsWhere<SecurityEvent> = {};
    if (query.kind !== undefined) where.kind = query.kind;
    if (query.clientAddress !== undefined) where.clientAddress = query.clientAddress;
    if (query.account !== undefined) where.account = query.account.toLowerCase();
    if (query.cursor !== undefined) {
      const [beforeId] = decodeCursor(query.cursor, ['string']);
      where.id = LessThan(String(beforeId));
    }
    const rows = await this.dataSource.manager.find(SecurityEvent, {
      where,
      order: { id: 'DESC' },
      take: limit + 1,
    });
    return {
      items: rows.slice(0, limit).map((row) => SecurityEventDto.from(row)),
      nextCursor: rows.length > limit ? encodeCursor([rows[limit - 1].id]) : null,
    };
  }

  /** Events so far this minute from this address and from everyone, counting this one. */
  private async countThisMinute(minute: Date, address: string): Promise<[number, number]> {
    const base = `${this.config.queuePrefix}:security-log:${minute.getTime()}`;
    try {
      const results = await this.redis
        .multi()
        .incr(`${base}:${address}`)
        .pexpire(`${base}:${address}`, 120_000)
        .incr(base)
        .pexpire(base, 120_000)
        .exec();
      return [Number(results?.[0]?.[1] ?? 0), Number(results?.[2]?.[1] ?? 0)];
    } catch {
      // Without Redis the unique key still folds repeats into one row each.
      return [0, 0];
    }
  }
}
