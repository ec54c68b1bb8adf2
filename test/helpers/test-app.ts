import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';
import request from 'supertest';

import { createHttpApp, prepareInfrastructure } from '../../src/bootstrap.js';
import { AppConfig, loadConfig } from '../../src/config/env.schema.js';
import { serverConnectionOptions } from '../../src/database/database-setup.js';
import { TEST_CLOCK_OFFSET_MS } from './test-clock.js';

/** Where the test databases live; each run creates its own database there and drops it. */
export const TEST_MYSQL = new URL(
  process.env.TEST_DATABASE_SERVER ?? 'mysql://root@127.0.0.1:3306',
);
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const ADMIN = { email: 'admin@test.exempel.se', password: 'admin-password-123' };

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  http: () => ReturnType<typeof request>;
  /** Starts listening on a free port of 127.0.0.1 and returns the app's base URL. */
  listen: () => Promise<string>;
  sql: <T = Record<string, unknown>>(query: string, params?: unknown[]) => Promise<T[]>;
  /** Stops the app; unless `keepData`, drops its database and Redis keys as well. */
  close: (options?: { keepData?: boolean }) => Promise<void>;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** A database URL for a fresh, uniquely named database on the test server. */
export function testDatabaseUrl(name: string): string {
  return new URL(`/${name}`, TEST_MYSQL).href;
}

/** The app's settings for a test; its clock stands on the tests' day (TEST_TODAY) unless `env` moves it. */
export function testConfig(env: Record<string, string> = {}): AppConfig {
  const files = mkdtempSync(join(tmpdir(), 'remiss-test-'));
  const config = loadConfig({
    STORAGE_DIR: join(files, 'storage'),
    MAIL_DIR: join(files, 'mail'),
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: testDatabaseUrl(uniqueName('remiss_test')),
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: uniqueName('remiss_test'),
    BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    ...env,
  });
  return { ...config, clockOffsetMs: config.clockOffsetMs + TEST_CLOCK_OFFSET_MS };
}

export async function dropDatabase(name: string): Promise<void> {
  const connection = await createConnection(serverConnectionOptions(TEST_MYSQL));
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await connection.end();
  }
}

/** Removes every Redis key under the run's prefix (queues, rate-limit counters). */
export async function clearRedisPrefix(redisUrl: URL, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl.href, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // The test's Redis may already be gone (tests that stop it on purpose).
  } finally {
    redis.disconnect();
  }
}

/**
 * Starts the whole HTTP app against a database of its own (created, migrated, dropped on close)
 * and a queue prefix of its own.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  config: AppConfig = testConfig(env),
): Promise<TestApp> {
  const engine = await prepareInfrastructure(config);
  const app = await createHttpApp(config, engine);
  const connection = await createConnection({
    uri: config.databaseUrl.href.replace(/^mariadb:/, 'mysql:'),
    dateStrings: true,
  });
  return {
    app,
    config,
    http: () => request(app.getHttpServer()),
    listen: async () => {
      await app.listen(0, '127.0.0.1');
      return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    },
    sql: async <T>(query: string, params: unknown[] = []) => {
      const [rows] = await connection.query(query, params);
      return rows as T[];
    },
    close: async ({ keepData = false } = {}) => {
      await connection.end();
      await app.close();
      if (keepData) return;
      await dropDatabase(config.databaseName);
      rmSync(join(config.storageDir, '..'), { recursive: true, force: true });
      await clearRedisPrefix(config.redisUrl, config.queuePrefix);
    },
  };
}

/** Logs in and returns the bearer header value. */
export async function login(testApp: TestApp, email: string, password: string): Promise<string> {
  const response = await testApp.http().post('/api/auth/login').send({ email, password });
  if (response.status !== 200) {
    throw new Error(
      `login as ${email} failed: ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
  return `Bearer ${(response.body as { accessToken: string }).accessToken}`;
}
