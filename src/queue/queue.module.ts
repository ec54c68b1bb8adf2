import { BullModule } from '@nestjs/bullmq';
import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { redisOptionsFromUrl } from './redis-options.js';

import { Queues } from './queues.js';
import { REDIS_CLIENT } from './redis-client.js';

export { REDIS_CLIENT };

/**
 * The Redis connections: BullMQ workers (queue names prefixed by QUEUE_PREFIX) and the fail-fast
 * client for short commands and for adding jobs through {@link Queues}. Processors are provided
 * only by WorkerModule, so an `api` process never consumes jobs.
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        prefix: config.queuePrefix,
        // Workers wait out a Redis outage instead of giving up (BullMQ requires null here).
        connection: { url: config.redisUrl.href, maxRetriesPerRequest: null },
      }),
    }),
    // No queue objects from here (producers use the fail-fast client, see Queues); this only
    // brings in the explorer that starts a worker for each @Processor class in the process.
    BullModule.registerQueue(),
  ],
  providers: [
    Queues,
    {
      provide: REDIS_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new Redis({
          ...redisOptionsFromUrl(config.redisUrl),
          // Fail fast while Redis is down, so callers answer 503 instead of hanging.
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          connectTimeout: 2_000,
        }),
    },
  ],
  exports: [REDIS_CLIENT, BullModule, Queues],
})
export class QueueModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {
    // Without a listener ioredis prints every failed reconnect as an unhandled error.
    this.redis.on('error', () => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
