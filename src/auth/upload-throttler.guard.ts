import { createHash } from 'node:crypto';
import { ExecutionContext, Injectable } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import type { Request } from 'express';
import { clientAddressOf } from '../security-log/request-origin.js';
import type { AuthenticatedRequest } from './decorators.js';
import { RateLimitGuard } from './rate-limit.guard.js';

/** The name of the upload limit, as configured in the auth module. */
export const UPLOAD_THROTTLER = 'upload';

type UploadRequest = Request & AuthenticatedRequest;

/**
 * Who an upload counts against: the signed-in user, or on a secure-link route the link itself (its
 * recipient, who has no account). The token is hashed so that no live link is kept in Redis.
 */
export function uploaderOf(request: UploadRequest): string {
  if (request.actor?.userId != null) return `user:${request.actor.userId}`;
  const token = (request.params as Record<string, unknown> | undefined)?.token;
  if (typeof token === 'string' && token.length > 0) {
    return `link:${createHash('sha256').update(token).digest('hex')}`;
  }
  return `address:${normalizeIp(clientAddressOf(request))}`;
}

/**
 * Limits uploads (multipart requests to a route that takes files, accepted or not) per user or
 * per link across every such route together, so one account or link cannot fill the register
 * with numbered records. It runs before the upload is read: a refused file is never stored.
 */
@Injectable()
export class UploadThrottlerGuard extends RateLimitGuard {
  protected readonly trackers = {
    [UPLOAD_THROTTLER]: (request: Record<string, unknown>) =>
      Promise.resolve(uploaderOf(request as unknown as UploadRequest)),
  };

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    return Promise.resolve(!request.is('multipart/form-data'));
  }

  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    name: string,
  ): string {
    return `${name}:${tracker}`;
  }

  protected override accountOf(request: UploadRequest): string | null {
    return request.actor?.userId != null ? request.actor.label : null;
  }

  protected override userIdOf(request: UploadRequest): number | null {
    return request.actor?.userId ?? null;
  }
}
