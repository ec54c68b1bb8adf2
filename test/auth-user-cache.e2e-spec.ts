import { AuthUserCache } from '../src/users/auth-user-cache.js';
import { SESSION_COOKIE, WebSessionService } from '../src/web/web-session.service.js';
import { adminAuth, createOrganisation, createUser, type TestUser } from './helpers/factories.js';
import { OwnRedis } from './helpers/redis-server.js';
import { login, startTestApp, testConfig, type TestApp } from './helpers/test-app.js';

/**
 * Two API processes over one database and one Redis (two applications with their own caches and
 * connections): a user changed through one must be changed in the other before the next request.
 */
describe('signed-in users kept in memory by every API process', () => {
  let redis: OwnRedis;
  let a: TestApp;
  let b: TestApp;
  let admin: string;
  let organisationId: number;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    const config = testConfig({ REDIS_URL: redis.url, AUTH_CACHE_SECONDS: '2' });
    a = await startTestApp({}, config);
    b = await startTestApp({}, config);
    admin = await adminAuth(a);
    organisationId = (
      await createOrganisation(a, admin, {
        name: 'Kommunstyrelsen',
        kind: 'committee',
        seriesCode: 'KS',
      })
    ).id;
  });
  afterAll(async () => {
    await b?.close({ keepData: true });
    await a?.close();
    await redis?.stop();
  });

  const cacheOf = (t: TestApp): AuthUserCache => t.app.get(AuthUserCache);

  async function listening(t: TestApp): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!cacheOf(t).active) {
      if (Date.now() > deadline) throw new Error('the process did not start listening for changes');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** A request as `user` to process `t` that leaves the user kept there. */
  async function warm(t: TestApp, auth: string): Promise<void> {
    await t.http().get('/api/auth/me').set('Authorization', auth).expect(200);
    await listening(t);
    await t.http().get('/api/auth/me').set('Authorization', auth).expect(200);
  }

  const patch = (id: number, body: object) =>
    a.http().patch(`/api/users/${id}`).set('Authorization', admin).send(body);
  const registerCase = (t: TestApp, auth: string) =>
    t
      .http()
      .post('/api/cases')
      .set('Authorization', auth)
      .send({ title: 'Ärende', organisationId });

  it('keeps a user between requests and reads nothing for it again', async () => {
    const user = await createUser(a, admin, ['reader'], [organisationId]);
    await warm(b, user.auth);
    expect(cacheOf(b).size).toBe(1);
    // Proof that the second process answers from memory: a role written past the service is not
    // seen until the time limit has passed.
    await b.sql("UPDATE user SET roles = 'registrar' WHERE id = ?", [user.id]);
    expect((await registerCase(b, user.auth)).status).toBe(403);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await registerCase(b, user.auth)).status).toBe(201);
  });

  it('ends a deactivated user’s access in the other process at once, and reactivation does not revive the token', async () => {
    const user = await createUser(a, admin, ['reader']);
    await warm(b, user.auth);
    expect((await patch(user.id, { active: false })).status).toBe(200);
    const refused = await b.http().get('/api/auth/me').set('Authorization', user.auth);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('unauthorized');

    expect((await patch(user.id, { active: true })).status).toBe(200);
    await b.http().get('/api/auth/me').set('Authorization', user.auth).expect(401);
    const fresh = await login(b, user.email, user.password);
    await b.http().get('/api/auth/me').set('Authorization', fresh).expect(200);
  });

  it('ends the old token in the other process at once when the password changes', async () => {
    const user = await createUser(a, admin, ['reader']);
    await warm(b, user.auth);
    expect((await patch(user.id, { password: 'ett-nytt-långt-lösenord' })).status).toBe(200);
    await b.http().get('/api/auth/me').set('Authorization', user.auth).expect(401);
    const fresh = await login(b, user.email, 'ett-nytt-långt-lösenord');
    await b.http().get('/api/auth/me').set('Authorization', fresh).expect(200);
  });

  it('applies a granted or removed role in the other process at once', async () => {
    const user = await createUser(a, admin, ['reader'], [organisationId]);
    await warm(b, user.auth);
    expect((await registerCase(b, user.auth)).status).toBe(403);

    expect((await patch(user.id, { roles: ['registrar'] })).status).toBe(200);
    expect((await registerCase(b, user.auth)).status).toBe(201);

    expect((await patch(user.id, { roles: ['reader'] })).status).toBe(200);
    expect((await registerCase(b, user.auth)).status).toBe(403);
  });

  it('ends a staff page session in the other process at once when the account is deactivated', async () => {
    const user = await createUser(a, admin, ['reader']);
    const cookie = `${SESSION_COOKIE}=${await b.app.get(WebSessionService).create(user.id, 0)}`;
    await b.http().get('/').set('Cookie', cookie).expect(200);
    await listening(b);
    await b.http().get('/').set('Cookie', cookie).expect(200);
    expect((await patch(user.id, { active: false })).status).toBe(200);
    const page = await b.http().get('/').set('Cookie', cookie);
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2F');
  });

  it('keeps nothing while it cannot hear of changes, and starts again once Redis is back', async () => {
    const first: TestUser = await createUser(a, admin, ['reader']);
    const second: TestUser = await createUser(a, admin, ['reader']);
    await warm(b, first.auth);
    await warm(b, second.auth);
    await warm(a, first.auth);

    await redis.stop();
    const deadline = Date.now() + 5_000;
    while (cacheOf(b).active || cacheOf(a).active) {
      if (Date.now() > deadline) throw new Error('the processes did not notice that Redis is gone');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(cacheOf(a).size).toBe(0);
    expect(cacheOf(b).size).toBe(0);

    // The change cannot be announced; the other process reads the database instead.
    expect((await patch(first.id, { active: false })).status).toBe(200);
    await b.http().get('/api/auth/me').set('Authorization', first.auth).expect(401);
    await b.http().get('/api/auth/me').set('Authorization', second.auth).expect(200);
    await b.http().get('/api/auth/me').set('Authorization', second.auth).expect(200);
    expect(cacheOf(b).size).toBe(0);

    await redis.start();
    await listening(b);
    await listening(a);
    await warm(b, second.auth);
    expect(cacheOf(b).size).toBe(1);
    expect((await patch(second.id, { active: false })).status).toBe(200);
    await b.http().get('/api/auth/me').set('Authorization', second.auth).expect(401);
  });
});
