import { createConnection, type ConnectionOptions } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/env.schema.js';
import { buildDataSourceOptions, DatabaseEngine, TEXT_COLLATION } from './data-source-options.js';

/** mysql2 options for the server in a `DATABASE_URL`, optionally with its database selected. */
export function serverConnectionOptions(url: URL, database?: string): ConnectionOptions {
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username) || 'root',
    password: decodeURIComponent(url.password),
    database,
    connectTimeout: 5_000,
  };
}

/** A dependency that cannot be reached at start-up; the message says how to fix it. */
export class StartupError extends Error {}

const MIGRATION_LOCK = 'remiss_migrations';
const MIGRATION_LOCK_TIMEOUT_SECONDS = 120;

function describe(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  return code ?? message ?? String(error);
}

/**
 * Creates the database in `DATABASE_URL` if it is missing (utf8mb4, Swedish collation) and tells
 * which engine serves it.
 */
export async function ensureDatabase(config: AppConfig): Promise<DatabaseEngine> {
  const url = config.databaseUrl;
  const where = `${url.hostname}:${url.port || 3306}`;
  let connection;
  try {
    connection = await createConnection(serverConnectionOptions(url));
  } catch (error) {
    throw new StartupError(
      `Cannot reach MariaDB/MySQL at ${where} (DATABASE_URL): ${describe(error)}.\n` +
        '  Start it, e.g. `start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd`,\n' +
        '  or `docker compose -f docker/compose.yml up -d mariadb`, or point DATABASE_URL elsewhere.',
    );
  }
  try {
    const [rows] = await connection.query('SELECT VERSION() AS version');
    const version = String((rows as { version: string }[])[0].version);
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${config.databaseName}\` ` +
        `CHARACTER SET utf8mb4 COLLATE ${TEXT_COLLATION}`,
    );
    return version.includes('MariaDB') ? 'mariadb' : 'mysql';
  } finally {
    await connection.end();
  }
}

/**
 * Runs pending migrations while holding a server-side named lock, so that processes starting
 * together migrate one after the other and the later ones find nothing left to do.
 */
export async function runMigrations(config: AppConfig, engine: DatabaseEngine): Promise<string[]> {
  const dataSource = new DataSource(buildDataSourceOptions(config, engine, 2));
  await dataSource.initialize();
  const lockRunner = dataSource.createQueryRunner();
  try {
    const [{ acquired }] = (await lockRunner.query('SELECT GET_LOCK(?, ?) AS acquired', [
      MIGRATION_LOCK,
      MIGRATION_LOCK_TIMEOUT_SECONDS,
    ])) as { acquired: number | string | null }[];
    if (Number(acquired) !== 1) {
      throw new StartupError(
        `Another process held the migration lock for ${MIGRATION_LOCK_TIMEOUT_SECONDS} s; ` +
          'check for a stuck migration and start again.',
      );
    }
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await lockRunner.query('SELECT RELEASE_LOCK(?)', [MIGRATION_LOCK]);
    }
  } finally {
    await lockRunner.release();
    await dataSource.destroy();
  }
}
