import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ThrottlerException, ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import type { IdentifiedRequest } from '../common/request-id.js';
import { originOf } from '../security-log/request-origin.js';
import { SecurityLogService } from '../security-log/security-log.service.js';

type RequestProps = Parameters<ThrottlerGuard['handleRequest']>[0];
export type Tracker = (request: Record<string, unknown>) => Promise<string>;

/**
 * The base of every rate limit in the service. It applies only the named throttlers it owns (so a
 * route's guard never counts against another limit), answers 429 with a standard `Retry-After`
 * (seconds), and writes the refusal to the security log.
 */
@Injectable()
export abstract class RateLimitGuard extends ThrottlerGuard {
  @Inject(SecurityLogService) private readonly securityLog: SecurityLogService;

  /** The throttlers (by name) this guard applies, each with the tracker it counts by. */
  protected abstract readonly trackers: Readonly<Record<string, Tracker | null>>;

  /** The account a refused request was for, when there is one. */
  protected accountOf(_request: Request): string | null {
    return null;
  }

  /** The signed-in user a refused request came from, when there is one. */
  protected userIdOf(_request: Request): number | null {
    return null;
  }

  protected override async handleRequest(props: RequestProps): Promise<boolean> {
    if (!(props.throttler.name! in this.trackers)) return true;
    const tracker = this.trackers[props.throttler.name!];
    return super.handleRequest(tracker ? { ...props, getTracker: tracker } : props);
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request & IdentifiedRequest>();
    http
      .getResponse<Response>()
      .setHeader('Retry-After', String(Math.max(1, detail.timeToBlockExpire)));
    await this.securityLog.record({
      kind: 'rate_limited',
      origin: originOf(request),
      account: this.accountOf(request),
      userId: this.userIdOf(request),
    });
    throw new ThrottlerException(await this.getErrorMessage(context, detail));
  }
}
