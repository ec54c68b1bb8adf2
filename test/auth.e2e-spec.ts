import { adminAuth, createUser } from './helpers/factories.js';
import { ADMIN, startTestApp, TestApp } from './helpers/test-app.js';

describe('authentication and users', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ LOGIN_RATE_LIMIT: '5' });
    admin = await adminAuth(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates the bootstrap admin once and logs it in', async () => {
    const response = await t
      .http()
      .post('/api/auth/login')
      .send({ email: ADMIN.email.toUpperCase(), password: ADMIN.password });
    expect(response.status).toBe(200);
    expect(response.body.tokenType).toBe('Bearer');
    expect(response.body.expiresIn).toBe(28_800);
    expect(response.body.accessToken.split('.')).toHaveLength(3);
    expect(response.body.user).toMatchObject({
      email: ADMIN.email,
      roles: ['admin'],
      active: true,
    });
    expect(response.body.user.passwordHash).toBeUndefined();
    const admins = await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM user');
    expect(Number(admins[0].n)).toBe(1);
  });

  it('stores passwords as argon2id hashes only', async () => {
    const rows = await t.sql<{ password_hash: string }>(
      'SELECT password_hash FROM user WHERE email = ?',
      [ADMIN.email],
    );
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    expect(rows[0].password_hash).not.toContain(ADMIN.password);
  });

  it('answers a wrong password and an unknown user with the same 401', async () => {
    const wrong = await t
      .http()
      .post('/api/auth/login')
      .send({ email: ADMIN.email, password: 'nope' });
    const unknown = await t
      .http()
      .post('/api/auth/login')
      .send({ email: 'nobody@test.exempel.se', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_credentials');
    expect(unknown.body.message).toBe(wrong.body.message);
    expect(unknown.body.code).toBe(wrong.body.code);
  });

  it('refuses requests without a token, with a forged token and with the wrong role', async () => {
    const none = await t.http().get('/api/users');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({
      statusCode: 401,
      error: 'Unauthorized',
      code: 'unauthorized',
    });

    const forged = await t.http().get('/api/users').set('Authorization', 'Bearer abc.def.ghi');
    expect(forged.status).toBe(401);

    const reader = await createUser(t, admin, ['reader']);
    const forbidden = await t.http().get('/api/users').set('Authorization', reader.auth);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('forbidden');
    expect(forbidden.body.message).toBe('This requires one of the roles: admin');
  });

  it('lets an admin create, list and read users with their organisations', async () => {
    const organisation = await t
      .http()
      .post('/api/organisations')
      .set('Authorization', admin)
      .send({ name: 'Servicenämnden', kind: 'committee', seriesCode: 'SFN' });
    const response = await t
      .http()
      .post('/api/users')
      .set('Authorization', admin)
      .send({
        name: 'Sara Svensson',
        email: 'Sara.Svensson@Test.Exempel.se',
        password: 'correct horse battery',
        roles: ['respondent', 'reader'],
        organisationIds: [organisation.body.id],
      });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      name: 'Sara Svensson',
      email: 'sara.svensson@test.exempel.se',
      roles: ['respondent', 'reader'],
      organisationIds: [organisation.body.id],
      organisations: [{ id: organisation.body.id, name: 'Servicenämnden' }],
      active: true,
      lastLoginAt: null,
    });

    const fetched = await t
      .http()
      .get(`/api/users/${response.body.id}`)
      .set('Authorization', admin);
    expect(fetched.body.email).toBe('sara.svensson@test.exempel.se');

    const list = await t.http().get('/api/users?role=respondent').set('Authorization', admin);
    expect(list.status).toBe(200);
    expect(list.body.items.map((user: { email: string }) => user.email)).toEqual([
      'sara.svensson@test.exempel.se',
    ]);
  });

  it('refuses a duplicate e-mail with 409 and writes nothing', async () => {
    const before = await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM user');
    const response = await t
      .http()
      .post('/api/users')
      .set('Authorization', admin)
      .send({
        name: 'Dubblett',
        email: ADMIN.email,
        password: 'another long password',
        roles: ['reader'],
        organisationIds: [],
      });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('email_taken');
    const after = await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM user');
    expect(after[0].n).toBe(before[0].n);
  });

  it('refuses a single sign-on link permit when single sign-on is not configured (409), and writes nothing', async () => {
    const user = await createUser(t, admin, ['clerk']);
    const audits = await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM audit_event');
    const response = await t
      .http()
      .post(`/api/users/${user.id}/sso-link`)
      .set('Authorization', admin);
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('sso_not_configured');
    const rows = await t.sql<{ sso_link_allowed_until: Date | null }>(
      'SELECT sso_link_allowed_until FROM user WHERE id = ?',
      [user.id],
    );
    expect(rows).toEqual([{ sso_link_allowed_until: null }]);
    expect(await t.sql('SELECT COUNT(*) AS n FROM audit_event')).toEqual(audits);
  });

  it('names every bad field and writes nothing', async () => {
    const before = await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM user');
    const response = await t
      .http()
      .post('/api/users')
      .set('Authorization', admin)
      .send({
        name: '',
        email: 'not-an-email',
        password: 'short',
        roles: ['boss'],
        organisationIds: [999],
        extra: 1,
      });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.details.map((detail: { field: string }) => detail.field).sort()).toEqual([
      'email',
      'extra',
      'name',
      'password',
      'roles',
    ]);
    expect(response.body.message).toContain('property extra should not exist');
    expect(response.body.requestId).toEqual(expect.any(String));

    const unknownOrganisation = await t
      .http()
      .post('/api/users')
      .set('Authorization', admin)
      .send({
        name: 'X',
        email: 'x@test.exempel.se',
        password: 'a-long-test-password',
        roles: ['reader'],
        organisationIds: [999],
      });
    expect(unknownOrganisation.status).toBe(400);
    expect(unknownOrganisation.body.details).toEqual([
      { field: 'organisationIds', messages: ['organisationIds has unknown ids: 999'] },
    ]);
    const after = await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM user');
    expect(after[0].n).toBe(before[0].n);
  });

  it('stops a deactivated user at once, token or not', async () => {
    const clerk = await createUser(t, admin, ['clerk']);
    const me = await t.http().get('/api/auth/me').set('Authorization', clerk.auth);
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(clerk.email);

    const deactivated = await t
      .http()
      .patch(`/api/users/${clerk.id}`)
      .set('Authorization', admin)
      .send({ active: false });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.active).toBe(false);

    expect((await t.http().get('/api/auth/me').set('Authorization', clerk.auth)).status).toBe(401);
    const relogin = await t
      .http()
      .post('/api/auth/login')
      .send({ email: clerk.email, password: clerk.password });
    expect(relogin.status).toBe(401);
  });

  it('rate-limits login attempts and answers 429', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 7; attempt += 1) {
      const response = await t
        .http()
        .post('/api/auth/login')
        .send({ email: 'guesser@test.exempel.se', password: `guess-${attempt}` });
      statuses.push(response.status);
    }
    // Five attempts a minute per address and account; then even the right password waits.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const blocked = await t
      .http()
      .post('/api/auth/login')
      .send({ email: 'guesser@test.exempel.se', password: 'guess-0' });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('too_many_requests');
    // Another account from the same address is not locked out by the guesser.
    const other = await t
      .http()
      .post('/api/auth/login')
      .send({ email: ADMIN.email, password: ADMIN.password });
    expect(other.status).toBe(200);
  });
});
