import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { REDIS_CLIENT } from '../queue/redis-client.js';

export const SESSION_COOKIE = 'remiss_session';
/** The sign-in form's token before there is a session (double submit: cookie and field). */
export const LOGIN_CSRF_COOKIE = 'remiss_login_csrf';
/** A session ends this long after sign-in, however busy it is. */
export const SESSION_MAX_MS = 12 * 3_600_000;
const ONE_TIME_SIGN_IN_MS = 15 * 60_000;
/**
 * How stale a session's last-seen time may get before a request writes it again: a page then
 * costs one read of Redis, not a read and a write, and the idle limit (an hour by default) is
 * kept to within this.
 */
const LAST_SEEN_PRECISION_MS = 60_000;

export interface WebSession {
  userId: number;
  /** The user's token version at sign-in; a password change or deactivation moves it on. */
  tokenVersion: number;
  csrf: string;
  createdAt: number;
  lastSeenAt: number;
  /** A message for the next page shown (post, redirect, get), shown once. */
  flash: string | null;
  /** The identity provider's ID token, when the session came from single sign-on (for logout). */
  idToken?: string;
}

/** A session found for a request: its record and the hash that keys it. */
export interface OpenSession {
  key: string;
  session: WebSession;
}

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Compares two tokens in constant time; false for anything that is not a non-empty string. */
export function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0 || expected.length === 0) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Staff page sessions in Redis, keyed by the SHA-256 of the cookie's random id (so a copy of Redis
 * holds no usable cookie). Idle time and the absolute limit are measured on the app's clock.
 */
@Injectable()
export class WebSessionService {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Starts a session; returns the cookie value (never stored as such). */
  async create(userId: number, tokenVersion: number, idToken?: string): Promise<string> {
    const id = randomToken();
    const now = this.clock.now().getTime();
    const session: WebSession = {
      userId,
      tokenVersion,
      csrf: randomToken(),
      createdAt: now,
      lastSeenAt: now,
      flash: null,
      ...(idToken === undefined ? {} : { idToken }),
    };
    await this.redis.set(
      this.sessionKey(sha256(id)),
      JSON.stringify(session),
      'PX',
      SESSION_MAX_MS,
    );
    return id;
  }

  /**
   * The live session behind a cookie value, its last-seen time moved to now; null (and the
   * record deleted) when it has been idle too long or passed the absolute limit.
   */
  async touch(cookie: string | undefined): Promise<OpenSession | null> {
    if (!cookie) return null;
    const key = this.sessionKey(sha256(cookie));
    const raw = await this.redis.get(key);
    if (!raw) return null;
    const session = JSON.parse(raw) as WebSession;
    const now = this.clock.now().getTime();
    const idleMs = this.config.webSessionIdleMinutes * 60_000;
    if (now - session.lastSeenAt > idleMs || now - session.createdAt > SESSION_MAX_MS) {
      await this.redis.del(key);
      return null;
    }
    if (now - session.lastSeenAt >= LAST_SEEN_PRECISION_MS) {
      session.lastSeenAt = now;
      await this.redis.set(key, JSON.stringify(session), 'KEEPTTL');
    }
    return { key, session };
  }

  /** Writes back a changed session (its flash message). */
  async save(open: OpenSession): Promise<void> {
    await this.redis.set(open.key, JSON.stringify(open.session), 'KEEPTTL');
  }

  async end(open: OpenSession): Promise<void> {
    await this.redis.del(open.key);
  }

  /** Ends the session behind a cookie value, if any. */
  async endByCookie(cookie: string | undefined): Promise<void> {
    if (cookie) await this.redis.del(this.sessionKey(sha256(cookie)));
  }

  /**
   * A single-use sign-in address for `userId`, valid for 15 minutes (the demo prints one): the
   * path `/login/once/<token>`, its token stored only as a hash.
   */
  async createOneTimeSignIn(userId: number): Promise<string> {
    const token = randomToken();
    await this.redis.set(this.onceKey(sha256(token)), String(userId), 'PX', ONE_TIME_SIGN_IN_MS);
    return `/login/once/${token}`;
  }

  /** The user a one-time sign-in token was made for, consuming it; null when unknown or used. */
  async redeemOneTimeSignIn(token: string): Promise<number | null> {
    const value = await this.redis.getdel(this.onceKey(sha256(token)));
    return value === null ? null : Number(value);
  }

  private sessionKey(hash: string): string {
    return `${this.config.queuePrefix}:web:session:${hash}`;
  }

  private onceKey(hash: string): string {
    return `${this.config.queuePrefix}:web:once:${hash}`;
  }
}
