import { createConnection } from 'mysql2/promise';
import { createWorker, prepareInfrastructure } from '../src/bootstrap.js';
import { UsersService } from '../src/users/users.service.js';
import { dropDatabase, testConfig } from './helpers/test-app.js';

describe('APP_ROLE=worker', () => {
  it('starts the queue side without an HTTP server and without creating users', async () => {
    const config = testConfig({ APP_ROLE: 'worker' });
    try {
      const engine = await prepareInfrastructure(config);
      const worker = await createWorker(config, engine);
      // The worker has the database and queues but no HTTP-facing modules.
      expect(() => worker.get(UsersService, { strict: false })).toThrow();
      expect('getHttpServer' in worker).toBe(false);
      await worker.close();
      // Only HTTP processes create the bootstrap admin; the worker's start-up migrated and stopped.
      const connection = await createConnection({ uri: config.databaseUrl.href });
      const [rows] = await connection.query('SELECT COUNT(*) AS n FROM user');
      await connection.end();
      expect(Number((rows as { n: number }[])[0].n)).toBe(0);
    } finally {
      await dropDatabase(config.databaseName);
    }
  });
});
