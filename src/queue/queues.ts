import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { QueueName } from './queue-name.js';
import { REDIS_CLIENT } from './redis-client.js';

/**
 * The queues producers add to. They share the fail-fast Redis client: while Redis is down an add
 * fails at once (callers keep the work in the database and try again) instead of hanging, and
 * closing never waits for Redis. BullMQ does not close a client it was given; QueueModule does.
 */
@Injectable()
export class Queues implements OnApplicationShutdown {
  private readonly logger = new Logger(Queues.name);
  private readonly queues = new Map<QueueName, Queue>();
  private lastOutageLogged = 0;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.redis, prefix: this.config.queuePrefix });
      // Without a listener a Redis outage would surface as an unhandled 'error' event.
      queue.on('error', (error) => this.logOutage(error));
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Logs that Redis cannot be reached, at most once a minute. */
  logOutage(error: Error): void {
    if (Date.now() - this.lastOutageLogged < 60_000) return;
    this.lastOutageLogged = Date.now();
    this.logger.warn(`Queues unavailable, work waits in the database: ${error.message}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      [...this.queues.values()].map((queue) => queue.close().catch(() => undefined)),
    );
  }
}
