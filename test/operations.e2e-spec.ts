import { spawn } from 'node:child_process';
import { createConnection } from 'mysql2/promise';
import { MIGRATIONS } from '../migrations/index.js';
import { prepareInfrastructure } from '../src/bootstrap.js';
import { ensureDatabase, runMigrations, StartupError } from '../src/database/database-setup.js';
import { adminAuth, createOrganisation } from './helpers/factories.js';
import { OwnRedis } from './helpers/redis-server.js';
import {
  dropDatabase,
  startTestApp,
  testConfig,
  TestApp,
  testDatabaseUrl,
  uniqueName,
  TEST_REDIS_URL,
} from './helpers/test-app.js';

async function poll<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('operations', () => {
  describe('with a running app', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(async () => {
      await t.close();
    });

    it('reports database and Redis in /health without authentication', async () => {
      const response = await t.http().get('/health');
      expect(response.status).toBe(200);
      expect(response.body.status).toBe('ok');
      expect(response.body.details.database.status).toBe('up');
      expect(response.body.details.redis.status).toBe('up');
    });

    it('serves an OpenAPI document that covers every route, secured unless public', async () => {
      const response = await t.http().get('/api/docs-json');
      expect(response.status).toBe(200);
      const paths = response.body.paths as Record<string, Record<string, { security?: unknown[] }>>;
      expect(Object.keys(paths).sort()).toEqual([
        '/api/admin/outbox',
        '/api/admin/reminders/sweep',
        '/api/admin/security-events',
        '/api/archive/exports',
        '/api/archive/exports/{id}',
        '/api/archive/exports/{id}/package',
        '/api/audit',
        '/api/auth/login',
        '/api/auth/me',
        '/api/cases',
        '/api/cases/{caseId}/documents',
        '/api/cases/{caseId}/history',
        '/api/cases/{caseId}/rounds',
        '/api/cases/{id}',
        '/api/cases/{id}/close',
        '/api/cases/{id}/reopen',
        '/api/documents',
        '/api/documents/{id}',
        '/api/documents/{id}/content',
        '/api/inbox',
        '/api/inbox/{recipientId}/memo.docx',
        '/api/meetings',
        '/api/meetings/{id}',
        '/api/meetings/{id}/adjust',
        '/api/meetings/{id}/hold',
        '/api/meetings/{id}/items',
        '/api/meetings/{id}/items/order',
        '/api/meetings/{id}/items/{itemId}',
        '/api/meetings/{id}/items/{itemId}/adjust',
        '/api/meetings/{id}/items/{itemId}/dispatch',
        '/api/meetings/{id}/items/{itemId}/extract.docx',
        '/api/meetings/{id}/notice',
        '/api/meetings/{id}/protocol.docx',
        '/api/organisations',
        '/api/organisations/{id}',
        '/api/organisations/{id}/paragraph-sequence',
        '/api/recipients',
        '/api/respond/{token}',
        '/api/respond/{token}/documents/{documentId}',
        '/api/rounds',
        '/api/rounds/{id}',
        '/api/rounds/{id}/close',
        '/api/rounds/{id}/compilation',
        '/api/rounds/{id}/compilation.docx',
        '/api/rounds/{id}/recipients',
        '/api/rounds/{id}/recipients/{recipientId}',
        '/api/rounds/{id}/recipients/{recipientId}/extension',
        '/api/rounds/{id}/recipients/{recipientId}/resend',
        '/api/rounds/{id}/reminders',
        '/api/rounds/{id}/responses',
        '/api/rounds/{id}/sections',
        '/api/rounds/{id}/send',
        '/api/users',
        '/api/users/{id}',
        '/api/users/{id}/sso-link',
        '/health',
      ]);
      const unsecured = Object.entries(paths).flatMap(([path, operations]) =>
        Object.entries(operations)
          .filter(([, operation]) => !operation.security?.length)
          .map(([method]) => `${method.toUpperCase()} ${path}`),
      );
      // Public by design: health, login, and the secure-link routes (the token is the credential).
      expect(unsecured.sort()).toEqual([
        'GET /api/respond/{token}',
        'GET /api/respond/{token}/documents/{documentId}',
        'GET /health',
        'POST /api/auth/login',
        'POST /api/respond/{token}',
      ]);
      expect(Object.keys(response.body.components.schemas)).toEqual(
        expect.arrayContaining([
          'CreateOrganisationDto',
          'OrganisationDto',
          'CreateUserDto',
          'LoginDto',
        ]),
      );
      const html = await t.http().get('/api/docs/');
      expect(html.status).toBe(200);
      expect(html.text).toContain('swagger-ui');
    });

    it('answers unknown routes in the common error shape with a request id of its own', async () => {
      const response = await t.http().get('/api/nothing-here').set('X-Request-Id', 'trace-42');
      expect(response.status).toBe(404);
      expect(response.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        code: 'not_found',
        message: 'Cannot GET /api/nothing-here',
        requestId: expect.stringMatching(
          /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
        ),
      });
      // The caller's id is not taken as the server's.
      expect(response.headers['x-request-id']).toBe(response.body.requestId);
    });

    it('sends security headers', async () => {
      const response = await t.http().get('/health');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-powered-by']).toBeUndefined();
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    });
  });

  it('keeps data across a restart on the same database', async () => {
    const first = await startTestApp();
    await createOrganisation(first, await adminAuth(first), {
      name: 'Socialnämnden',
      kind: 'committee',
      seriesCode: 'SN',
    });
    await first.close({ keepData: true });

    // Same database and settings: migrations find nothing to do and the data is still there.
    const second = await startTestApp({}, first.config);
    try {
      const list = await second
        .http()
        .get('/api/organisations')
        .set('Authorization', await adminAuth(second));
      expect(list.body.items.map((o: { name: string }) => o.name)).toEqual(['Socialnämnden']);
      const users = await second.sql<{ n: number }>('SELECT COUNT(*) AS n FROM user');
      expect(Number(users[0].n)).toBe(1);
      const migrations = await second.sql<{ n: number }>('SELECT COUNT(*) AS n FROM migrations');
      expect(Number(migrations[0].n)).toBe(MIGRATIONS.length);
    } finally {
      await second.close();
    }
  });

  it('migrates once when several processes start together', async () => {
    const config = testConfig();
    try {
      const engine = await ensureDatabase(config);
      const results = await Promise.all([1, 2, 3].map(() => runMigrations(config, engine)));
      expect(results.map((applied) => applied.length).sort()).toEqual([0, 0, MIGRATIONS.length]);
      const connection = await createConnection({ uri: config.databaseUrl.href });
      const [rows] = await connection.query(
        'SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [config.databaseName],
      );
      await connection.end();
      expect(rows).toEqual([{ charset: 'utf8mb4', collation: 'utf8mb4_swedish_ci' }]);
    } finally {
      await dropDatabase(config.databaseName);
    }
  });

  it('names an unreachable database and how to start it', async () => {
    const config = testConfig({ DATABASE_URL: 'mysql://root@127.0.0.1:1/remiss_unreachable' });
    await expect(prepareInfrastructure(config)).rejects.toThrow(StartupError);
    await expect(prepareInfrastructure(config)).rejects.toThrow(
      /Cannot reach MariaDB\/MySQL at 127\.0\.0\.1:1 \(DATABASE_URL\): ECONNREFUSED/,
    );
  });

  it('exits non-zero with a plain message when Redis is down or a setting is malformed', async () => {
    const redisDown = await runMain({
      REDIS_URL: 'redis://127.0.0.1:1',
      DATABASE_URL: testDatabaseUrl(uniqueName('remiss_unused')),
    });
    expect(redisDown.code).toBe(1);
    expect(redisDown.stderr).toContain('Remiss cannot start.');
    expect(redisDown.stderr).toContain('Cannot reach Redis at 127.0.0.1:1 (REDIS_URL)');
    expect(redisDown.stderr).not.toMatch(/\n\s+at /);

    const malformed = await runMain({
      PORT: 'eighty',
      NODE_ENV: 'production',
      REDIS_URL: TEST_REDIS_URL,
    });
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain(
      'PORT must be a whole number from 1 to 65535 (got "eighty")',
    );
    expect(malformed.stderr).toContain('JWT_SECRET is required when NODE_ENV=production');
  });

  it('answers 200 "degraded" from /health while Redis is down and "ok" when it is back', async () => {
    const redis = await OwnRedis.start();
    const t = await startTestApp({ REDIS_URL: redis.url });
    try {
      expect((await t.http().get('/health')).status).toBe(200);
      await redis.stop();
      // The API still works without Redis (mail waits in the outbox): not a reason to pull it.
      const down = await poll(
        () => t.http().get('/health'),
        (response) => response.body.status === 'degraded',
      );
      expect(down.status).toBe(200);
      expect(down.body.details.redis.status).toBe('down');
      expect(down.body.details.database.status).toBe('up');

      await redis.start();
      const up = await poll(
        () => t.http().get('/health'),
        (response) => response.body.status === 'ok',
        20_000,
      );
      expect(up.status).toBe(200);
    } finally {
      await t.close();
      await redis.stop();
    }
  });
});
