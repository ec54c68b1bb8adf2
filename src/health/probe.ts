// `node dist/src/health/probe.js`: exits 0 when the database and Redis answer, 1 otherwise.
// The container health check of processes without HTTP (the worker role) uses it.
import { createConnection } from 'mysql2/promise';
import { loadConfig } from '../config/env.schema.js';
import { serverConnectionOptions } from '../database/database-setup.js';
import { pingRedis } from '../queue/redis-options.js';

async function probe(): Promise<void> {
  const config = loadConfig();
  const database = await createConnection(
    serverConnectionOptions(config.databaseUrl, config.databaseName),
  );
  try {
    await database.query('SELECT 1');
  } finally {
    await database.end();
  }
  await pingRedis(config.redisUrl);
}

probe().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`unhealthy: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
