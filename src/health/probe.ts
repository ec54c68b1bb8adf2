// `node dist/src/health/probe.js`: exits 0 when the database and Redis answer, 1 otherwise.
// The container health check of processes without HTTP (the worker role) uses it.
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { loadConfig } from '../config/env.schema.js';
import { redisOptionsFromUrl } from '../queue/redis-options.js';

async function probe(): Promise<void> {
  const config = loadConfig();
  const url = config.databaseUrl;
  const database = await createConnection({
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username) || 'root',
    password: decodeURIComponent(url.password),
    database: config.databaseName,
    connectTimeout: 3_000,
  });
  await database.query('SELECT 1');
  await database.end();
  const redis = new Redis({
    ...redisOptionsFromUrl(config.redisUrl),
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  await redis.connect();
  await redis.ping();
  redis.disconnect();
}

probe().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`unhealthy: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
