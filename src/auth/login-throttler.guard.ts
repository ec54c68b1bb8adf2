import { Injectable } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import type { Request } from 'express';
import { clientAddressOf } from '../security-log/request-origin.js';
import { RateLimitGuard, type Tracker } from './rate-limit.guard.js';

/** The names of the login limits, as configured in the auth module. */
export const LOGIN_THROTTLERS = {
  /** One address guessing one account's password. */
  addressAndAccount: 'login',
  /** One address trying many accounts (password spraying). */
  address: 'loginAddress',
  /** Many addresses trying one account (a distributed guess). */
  account: 'loginAccount',
} as const;

export function loginAccountOf(request: { body?: unknown }): string {
  const body = request.body as { email?: unknown } | undefined;
  return typeof body?.email === 'string' ? body.email.trim().toLowerCase().slice(0, 254) : '';
}

// IPv6 clients count by /64, as one host usually holds the whole prefix.
const address: Tracker = (request) =>
  Promise.resolve(normalizeIp(clientAddressOf(request as unknown as Request)));
const account: Tracker = (request) => Promise.resolve(loginAccountOf(request));
const addressAndAccount: Tracker = async (request) =>
  `${await address(request)}|${await account(request)}`;

/**
 * Limits login attempts in every direction: per address and account, per address across accounts
 * and per account across addresses. Each limit counts every attempt, right or wrong.
 */
@Injectable()
export class LoginThrottlerGuard extends RateLimitGuard {
  protected readonly trackers = {
    [LOGIN_THROTTLERS.addressAndAccount]: addressAndAccount,
    [LOGIN_THROTTLERS.address]: address,
    [LOGIN_THROTTLERS.account]: account,
  };

  protected override accountOf(request: Request): string {
    return loginAccountOf(request);
  }
}
