import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import type { AppConfig } from '../config/env.schema.js';
import { ENTITIES } from './entities.js';

export type DatabaseEngine = 'mysql' | 'mariadb';

/** Swedish ordering (å, ä, ö after z), present in both MySQL 8 and MariaDB 10.11. */
export const TEXT_COLLATION = 'utf8mb4_swedish_ci';

export function engineFromUrl(url: URL): DatabaseEngine {
  return url.protocol === 'mariadb:' ? 'mariadb' : 'mysql';
}

/**
 * One definition of the connection, shared by the app, the migration CLI and the tests, so that
 * none of them can drift (for example by turning `synchronize` on).
 */
export function buildDataSourceOptions(
  config: Pick<AppConfig, 'databaseUrl' | 'databaseName'>,
  engine: DatabaseEngine = engineFromUrl(config.databaseUrl),
  poolSize = 10,
): DataSourceOptions {
  const url = config.databaseUrl;
  return {
    type: engine,
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    username: decodeURIComponent(url.username) || 'root',
    password: decodeURIComponent(url.password),
    database: config.databaseName,
    charset: 'UTF8MB4_UNICODE_CI',
    // Instants are DATETIME(3) in UTC; calendar days come back as plain YYYY-MM-DD strings.
    timezone: 'Z',
    dateStrings: ['DATE'],
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    migrationsTableName: 'migrations',
    entities: ENTITIES,
    migrations: MIGRATIONS,
    poolSize,
    connectTimeout: 5_000,
    // Overload fails fast instead of queueing requests without bound.
    extra: { queueLimit: 200 },
  };
}
