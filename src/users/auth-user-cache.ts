import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { REDIS_CLIENT } from '../queue/redis-client.js';
import type { AuthenticatedUser } from './users.service.js';

/** How long a change waits for its own announcement to come back before it is answered. */
const ECHO_WAIT_MS = 1_000;

interface Entry {
  user: AuthenticatedUser;
  /** `performance.now()` after which the entry is read again from the database. */
  until: number;
}

/**
 * The users behind recent requests, kept in this process for `AUTH_CACHE_SECONDS` so that a
 * request does not read its user from the database again.
 *
 * A change to a user (deactivation, new password, roles, organisations, name) takes effect at once
 * in every process: the process that commits it forgets the user before answering, then publishes
 * the user's id on a Redis channel that every API process listens to, and each forgets it on
 * receipt. The changing request is answered only once the message has come back to
 * this process's own listener: Redis writes it to every listener at the same time, so by then it
 * is waiting in every other process too, ahead of any request that follows the answer.
 *
 * The cache is only used while this process is known to listen: before the channel is subscribed,
 * and from the moment the connection drops until it is subscribed again, every request reads the
 * database and nothing is kept (messages sent meanwhile would be lost). A read that was under way
 * when any change arrived is not kept either, since it may have seen the row from before the
 * change. The time limit is the last line of defence: for a change written to the database past
 * the service, or a publication lost with the process that committed the change.
 */
@Injectable()
export class AuthUserCache implements OnApplicationShutdown {
  private readonly logger = new Logger(AuthUserCache.name);
  private readonly entries = new Map<number, Entry>();
  private readonly ttlMs: number;
  private readonly channel: string;
  private subscriber: Redis | null = null;
  private listening = false;
  /** Moves on with every change received and every time listening starts or stops. */
  private generation = 0;
  /** Messages this process published, waiting to come back to its own listener. */
  private readonly echoes = new Map<string, () => void>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {
    this.ttlMs = config.authCacheSeconds * 1000;
    this.channel = `${config.queuePrefix}:user-changed`;
  }

  /**
   * The cached user, or the one `read` returns (kept when it is safe to). Null results (no such
   * active user) are never kept, so a new or reactivated account is seen at once.
   */
  async get(
    id: number,
    read: (id: number) => Promise<AuthenticatedUser | null>,
  ): Promise<AuthenticatedUser | null> {
    if (this.ttlMs === 0) return read(id);
    this.listen();
    const now = performance.now();
    const entry = this.entries.get(id);
    if (entry && entry.until > now) return entry.user;
    const generation = this.generation;
    const user = await read(id);
    if (user && this.listening && generation === this.generation) {
      this.entries.set(id, { user: freeze(user), until: now + this.ttlMs });
    }
    return user;
  }

  /**
   * Call after a change to the user has been committed: forgets it here at once and tells every
   * other process. A failed publication is logged, not thrown: the change is committed, the
   * processes that could not hear it have stopped caching (their connection is down too), and
   * the time limit bounds the rest.
   */
  async changed(id: number): Promise<void> {
    this.forget(id);
    if (this.ttlMs === 0) return;
    const message = `${id}:${randomUUID()}`;
    const echoed = this.listening ? this.echoOf(message) : null;
    try {
      await this.redis.publish(this.channel, message);
      await echoed?.promise;
    } catch (error) {
      this.logger.error(
        `Could not announce the change to user ${id} to the other processes: ${String(error)}`,
      );
    } finally {
      echoed?.cancel();
    }
  }

  /** Whether this process caches users now (it listens for changes). */
  get active(): boolean {
    return this.listening;
  }

  /** The number of users kept. */
  get size(): number {
    return this.entries.size;
  }

  async onApplicationShutdown(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = null;
    this.stopListening();
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  /** Resolves when `message` comes back to this process's listener, or after a second anyway. */
  private echoOf(message: string): { promise: Promise<void>; cancel: () => void } {
    let timer: NodeJS.Timeout | undefined;
    const promise = new Promise<void>((resolve) => {
      this.echoes.set(message, resolve);
      timer = setTimeout(resolve, ECHO_WAIT_MS);
    });
    return {
      promise,
      cancel: () => {
        clearTimeout(timer);
        this.echoes.delete(message);
      },
    };
  }

  private forget(id: number): void {
    this.generation += 1;
    this.entries.delete(id);
  }

  private stopListening(): void {
    this.listening = false;
    this.generation += 1;
    this.entries.clear();
  }

  /** Subscribes on first use, so processes that never authenticate (workers) keep no connection. */
  private listen(): void {
    if (this.subscriber) return;
    const subscriber = this.redis.duplicate({
      connectionName: 'remiss-user-changes',
      // Subscribed again by hand on every connection, so that `listening` is true only once the
      // subscription is confirmed.
      autoResubscribe: false,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    });
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined);
    subscriber.on('close', () => this.stopListening());
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      this.forget(Number.parseInt(message, 10));
      this.echoes.get(message)?.();
    });
    subscriber.on('ready', () => {
      subscriber.subscribe(this.channel).then(
        () => {
          if (this.subscriber !== subscriber || subscriber.status !== 'ready') return;
          // Anything kept before this point may have missed a change.
          this.stopListening();
          this.listening = true;
        },
        () => subscriber.disconnect(true),
      );
    });
  }
}

function freeze(user: AuthenticatedUser): AuthenticatedUser {
  Object.freeze(user.roles);
  Object.freeze(user.organisationIds);
  return Object.freeze(user);
}
