import { ExecutionContext, Injectable } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import type { Request } from 'express';
import { clientAddressOf } from '../security-log/request-origin.js';
import { RateLimitGuard } from './rate-limit.guard.js';

/**
 * Counts a client address's requests to all secure-link routes together (not per route), so
 * guessing tokens is slow whichever route is tried.
 */
@Injectable()
export class RespondThrottlerGuard extends RateLimitGuard {
  protected readonly trackers = {
    // IPv6 clients count by /64, as one host usually holds the whole prefix.
    respond: (request: Record<string, unknown>) =>
      Promise.resolve(normalizeIp(clientAddressOf(request as unknown as Request))),
  };

  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    name: string,
  ): string {
    return `${name}:${tracker}`;
  }
}
