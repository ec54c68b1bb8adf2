import { Redis, type RedisOptions } from 'ioredis';

/** ioredis options from a `redis://` or `rediss://` URL (user, password, db in the path). */
export function redisOptionsFromUrl(url: URL): RedisOptions {
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
  };
}

/** Connects once, pings, disconnects; throws when Redis cannot be reached within 3 s. */
export async function pingRedis(url: URL): Promise<void> {
  const redis = new Redis({
    ...redisOptionsFromUrl(url),
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } finally {
    redis.disconnect();
  }
}
