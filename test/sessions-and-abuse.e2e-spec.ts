import { JwtService } from '@nestjs/jwt';
import { sign } from 'jsonwebtoken';
import { adminAuth, createUser } from './helpers/factories.js';
import { waitFor } from './helpers/smtp-sink.js';
import { ADMIN, login, startTestApp, TestApp } from './helpers/test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface SecurityEventRow {
  kind: string;
  clientAddress: string;
  method: string;
  route: string;
  account: string;
  userId: number | null;
  count: number;
  firstAt: string;
}

describe('sessions end when they should', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminAuth(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const me = (auth: string) => t.http().get('/api/auth/me').set('Authorization', auth);

  it('ends every earlier token of a user whose password changes, however many sessions', async () => {
    const clerk = await createUser(t, admin, ['clerk']);
    const otherSession = await login(t, clerk.email, clerk.password);
    expect((await me(clerk.auth)).status).toBe(200);

    const changed = await t
      .http()
      .patch(`/api/users/${clerk.id}`)
      .set('Authorization', admin)
      .send({ password: 'a-brand-new-passphrase' });
    expect(changed.status).toBe(200);

    for (const stale of [clerk.auth, otherSession]) {
      const refused = await me(stale);
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('unauthorized');
    }
    const old = await t
      .http()
      .post('/api/auth/login')
      .send({ email: clerk.email, password: clerk.password });
    expect(old.status).toBe(401);
    const fresh = await login(t, clerk.email, 'a-brand-new-passphrase');
    expect((await me(fresh)).body.email).toBe(clerk.email);
    // The admin's own token is untouched by someone else's change.
    expect((await me(admin)).status).toBe(200);
  });

  it('keeps tokens from before a deactivation dead after the account is reactivated', async () => {
    const reader = await createUser(t, admin, ['reader']);
    const deactivate = await t
      .http()
      .patch(`/api/users/${reader.id}`)
      .set('Authorization', admin)
      .send({ active: false });
    expect(deactivate.status).toBe(200);
    const reactivate = await t
      .http()
      .patch(`/api/users/${reader.id}`)
      .set('Authorization', admin)
      .send({ active: true });
    expect(reactivate.status).toBe(200);
    expect(reactivate.body.active).toBe(true);

    expect((await me(reader.auth)).status).toBe(401);
    const fresh = await login(t, reader.email, reader.password);
    expect((await me(fresh)).status).toBe(200);
  });

  it('refuses a correctly signed token without an expiry', async () => {
    const rows = await t.sql<{ id: number }>('SELECT id FROM user WHERE email = ?', [ADMIN.email]);
    const claims = { sub: String(rows[0].id), ver: 0 };
    const secret = Buffer.from(t.config.jwtSecret);
    const withoutExp = sign(claims, secret, { algorithm: 'HS256', issuer: 'remiss' });
    const refused = await me(`Bearer ${withoutExp}`);
    expect(refused.status).toBe(401);
    expect(refused.body.message).toBe('The access token is invalid or has expired');
    // The same claims with an expiry are accepted: only the missing exp is refused.
    const withExp = sign(claims, secret, { algorithm: 'HS256', issuer: 'remiss', expiresIn: 60 });
    expect((await me(`Bearer ${withExp}`)).status).toBe(200);
  });

  it.each(['0x1', '1e0', '1.0', ' 1', '01', '+1'])(
    'refuses the signed subject %j although it reads as a user id',
    async (sub) => {
      const token = await t.app.get(JwtService).signAsync({ sub, ver: 0 });
      expect((await me(`Bearer ${token}`)).status).toBe(401);
    },
  );

  it('refuses the last active admin removing their own admin role or deactivating themselves', async () => {
    const adminRow = await t.sql<{ id: number }>('SELECT id FROM user WHERE email = ?', [
      ADMIN.email,
    ]);
    const adminId = adminRow[0].id;
    const before = await t.sql('SELECT roles, active, token_version FROM user WHERE id = ?', [
      adminId,
    ]);
    for (const change of [{ roles: ['reader'] }, { active: false }, { roles: [], active: false }]) {
      const refused = await t
        .http()
        .patch(`/api/users/${adminId}`)
        .set('Authorization', admin)
        .send(change);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('last_admin');
      expect(refused.body.message).toBe(
        'This is the last active admin: make another user admin before removing the admin role or deactivating this account',
      );
    }
    expect(
      await t.sql('SELECT roles, active, token_version FROM user WHERE id = ?', [adminId]),
    ).toEqual(before);
    expect((await me(admin)).status).toBe(200);

    // With a second active admin, the first may step down.
    const second = await createUser(t, admin, ['admin']);
    const stepDown = await t
      .http()
      .patch(`/api/users/${adminId}`)
      .set('Authorization', admin)
      .send({ roles: ['admin', 'reader'] });
    expect(stepDown.status).toBe(200);
    const demoted = await t
      .http()
      .patch(`/api/users/${second.id}`)
      .set('Authorization', admin)
      .send({ roles: ['reader'] });
    expect(demoted.status).toBe(200);
    // Now the first admin is the last again.
    const last = await t
      .http()
      .patch(`/api/users/${adminId}`)
      .set('Authorization', admin)
      .send({ active: false });
    expect(last.status).toBe(409);
  });

  it('answers authenticated JSON and the login with Cache-Control: no-store', async () => {
    const loggedIn = await t
      .http()
      .post('/api/auth/login')
      .send({ email: ADMIN.email, password: ADMIN.password });
    expect(loggedIn.status).toBe(200);
    expect(loggedIn.headers['cache-control']).toBe('no-store');
    const users = await t.http().get('/api/users').set('Authorization', admin);
    expect(users.status).toBe(200);
    expect(users.headers['cache-control']).toBe('no-store');
    const cases = await t.http().get('/api/cases').set('Authorization', admin);
    expect(cases.headers['cache-control']).toBe('no-store');
  });

  it('generates every request id itself and keeps the caller’s apart', async () => {
    const malformed = await t
      .http()
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.requestId).toMatch(UUID);
    expect(malformed.headers['x-request-id']).toBe(malformed.body.requestId);

    const tooLarge = await t
      .http()
      .post('/api/cases')
      .set('Authorization', admin)
      .set('X-Request-Id', 'client-chosen-1')
      .send({ title: 'x'.repeat(2_000_000), organisationId: 1 });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.requestId).toMatch(UUID);

    const created = await t
      .http()
      .post('/api/organisations')
      .set('Authorization', admin)
      .set('X-Request-Id', 'client-chosen-2')
      .send({ name: 'Kultur- och fritidsnämnden', kind: 'committee' });
    expect(created.status).toBe(201);
    const serverId = created.headers['x-request-id'];
    expect(serverId).toMatch(UUID);
    const audit = await t.sql<{ request_id: string; client_request_id: string }>(
      `SELECT request_id, client_request_id FROM audit_event
        WHERE action = 'organisation.created' AND entity_id = ?`,
      [String(created.body.id)],
    );
    expect(audit).toEqual([{ request_id: serverId, client_request_id: 'client-chosen-2' }]);
    const listed = await t
      .http()
      .get(`/api/audit?entity=organisation&entityId=${created.body.id}`)
      .set('Authorization', admin);
    expect(listed.body.items[0]).toMatchObject({
      requestId: serverId,
      clientRequestId: 'client-chosen-2',
    });
  });
});

describe('login abuse is limited in every direction and logged', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({
      TRUST_PROXY: 'loopback',
      LOGIN_RATE_LIMIT: '3',
      LOGIN_ADDRESS_RATE_LIMIT: '6',
      LOGIN_ACCOUNT_RATE_LIMIT: '8',
      LOGIN_ACCOUNT_WINDOW_SECONDS: '600',
      RESPOND_RATE_LIMIT: '3',
    });
    admin = await adminAuth(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const attempt = (from: string, email: string, password = 'wrong-guess') =>
    t.http().post('/api/auth/login').set('X-Forwarded-For', from).send({ email, password });

  const events = async (query: string): Promise<SecurityEventRow[]> => {
    const response = await t
      .http()
      .get(`/api/admin/security-events?limit=200&${query}`)
      .set('Authorization', admin);
    expect(response.status).toBe(200);
    return response.body.items;
  };

  it('limits one address and one account with a standard Retry-After', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) {
      statuses.push((await attempt('198.51.100.1', 'one.account@test.exempel.se')).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    const blocked = await attempt('198.51.100.1', 'one.account@test.exempel.se');
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('too_many_requests');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(Object.keys(blocked.headers).filter((name) => name.startsWith('retry-after-'))).toEqual(
      [],
    );
    expect(Object.keys(blocked.headers).filter((name) => name.startsWith('x-ratelimit'))).toEqual(
      [],
    );
  });

  it('limits one address spraying passwords across accounts', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 8; index += 1) {
      statuses.push((await attempt('198.51.100.2', `spray-${index}@test.exempel.se`)).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    const right = await attempt('198.51.100.2', ADMIN.email, ADMIN.password);
    expect(right.status).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Another address is not affected.
    expect((await attempt('198.51.100.3', ADMIN.email, ADMIN.password)).status).toBe(200);
  });

  it('limits one account tried from many addresses, for the whole window', async () => {
    const account = 'target.account@test.exempel.se';
    const statuses: number[] = [];
    for (let index = 1; index <= 9; index += 1) {
      statuses.push((await attempt(`192.0.2.${index}`, account)).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 429]);
    const fromElsewhere = await attempt('192.0.2.200', account);
    expect(fromElsewhere.status).toBe(429);
    const wait = Number(fromElsewhere.headers['retry-after']);
    expect(wait).toBeGreaterThan(60);
    expect(wait).toBeLessThanOrEqual(600);
    expect(fromElsewhere.body.message).toBe(
      `Too many login attempts; try again in ${wait} seconds`,
    );
  });

  it('writes failed logins and 429s to the security log with address, route and account', async () => {
    const from = '198.51.100.20';
    for (let index = 0; index < 4; index += 1) {
      await attempt(from, 'probed@test.exempel.se', `secret-guess-${index}`);
    }
    const rows = await events(`clientAddress=${from}`);
    const byKind = (kind: string) => rows.filter((row) => row.kind === kind);
    const failed = byKind('login_failed');
    expect(failed.every((row) => row.route === '/api/auth/login' && row.method === 'POST')).toBe(
      true,
    );
    expect(failed.every((row) => row.account === 'probed@test.exempel.se')).toBe(true);
    expect(failed.reduce((sum, row) => sum + row.count, 0)).toBe(3);
    const limited = byKind('rate_limited');
    expect(limited.map((row) => [row.route, row.account])).toEqual(
      limited.map(() => ['/api/auth/login', 'probed@test.exempel.se']),
    );
    expect(limited.reduce((sum, row) => sum + row.count, 0)).toBe(1);
    const text = JSON.stringify(await events(''));
    expect(text).not.toContain('secret-guess');
    expect(text).not.toContain('wrong-guess');
    expect(text).not.toContain(ADMIN.password);

    const byAccount = await events('account=PROBED@test.exempel.se&kind=login_failed');
    expect(byAccount.reduce((sum, row) => sum + row.count, 0)).toBe(3);
  });

  it('writes refused (403) requests and refused tokens to the security log', async () => {
    const reader = await createUser(t, admin, ['reader']);
    const refused = await t
      .http()
      .get('/api/users')
      .set('X-Forwarded-For', '198.51.100.30')
      .set('Authorization', reader.auth);
    expect(refused.status).toBe(403);
    const rows = await events('clientAddress=198.51.100.30');
    expect(rows).toEqual([
      expect.objectContaining({
        kind: 'forbidden',
        method: 'GET',
        route: '/api/users',
        account: reader.email,
        userId: reader.id,
        count: 1,
      }),
    ]);
    // Only admins read the security log.
    const ended = await t
      .http()
      .patch(`/api/users/${reader.id}`)
      .set('Authorization', admin)
      .send({ password: 'another-long-passphrase' });
    expect(ended.status).toBe(200);
    for (const token of [reader.auth, 'Bearer forged.token.value']) {
      const replayed = await t
        .http()
        .get('/api/auth/me')
        .set('X-Forwarded-For', '198.51.100.31')
        .set('Authorization', token);
      expect(replayed.status).toBe(401);
    }
    const replays = await events('clientAddress=198.51.100.31');
    expect(
      replays.map((row) => [row.kind, row.route, row.account, row.userId, row.count]).sort(),
    ).toEqual([
      ['token_refused', '/api/auth/me', '', null, 1],
      ['token_refused', '/api/auth/me', reader.email, reader.id, 1],
    ]);
    expect(JSON.stringify(replays)).not.toContain('forged.token');
    const fresh = await login(t, reader.email, 'another-long-passphrase');
    const denied = await t.http().get('/api/admin/security-events').set('Authorization', fresh);
    expect(denied.status).toBe(403);
  });

  it('folds a flood from one address so it cannot fill the log', async () => {
    const from = '198.51.100.40';
    for (let index = 0; index < 45; index += 1) {
      await attempt(from, `flood-${index}@test.exempel.se`);
    }
    const rows = await events(`clientAddress=${from}`);
    expect(rows.reduce((sum, row) => sum + row.count, 0)).toBe(45);
    const folded = rows.filter((row) => row.account === '*');
    expect(folded.length).toBeGreaterThan(0);
    expect(folded.every((row) => row.route === '*' && row.method === '*')).toBe(true);
    // Per minute, at most 20 rows of their own from one address, then only folded rows.
    const perMinute = new Map<string, number>();
    for (const row of rows.filter((candidate) => candidate.account !== '*')) {
      const minute = row.firstAt.slice(0, 16);
      perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
    }
    expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(20);
    expect(rows.length).toBeLessThanOrEqual(2 * (20 + 2));
  });

  it('answers 429 on the link routes with Retry-After, as Swedish HTML on the page', async () => {
    const from = '198.51.100.50';
    const statuses: number[] = [];
    for (let index = 0; index < 3; index += 1) {
      const response = await t
        .http()
        .get(`/api/respond/${'A'.repeat(42)}${index}`)
        .set('X-Forwarded-For', from);
      statuses.push(response.status);
    }
    expect(statuses).toEqual([404, 404, 404]);
    const json = await t
      .http()
      .get(`/api/respond/${'B'.repeat(43)}`)
      .set('X-Forwarded-For', from);
    expect(json.status).toBe(429);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.body.code).toBe('too_many_requests');
    expect(Number(json.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(json.headers['retry-after-respond']).toBeUndefined();

    for (const request of [
      t.http().get(`/respond/${'C'.repeat(43)}`),
      t
        .http()
        .post(`/respond/${'C'.repeat(43)}`)
        .type('form')
        .send({ position: 'approve' }),
    ]) {
      const page = await request.set('X-Forwarded-For', from);
      expect(page.status).toBe(429);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(Number(page.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(page.text).toContain('<html lang="sv">');
      expect(page.text).toContain('<h1>För många försök</h1>');
      expect(page.text).toContain('Vänta en minut och försök sedan igen.');
    }
    const rows = await events(`clientAddress=${from}&kind=rate_limited`);
    expect(new Set(rows.map((row) => row.route))).toEqual(
      new Set(['/api/respond/:token', '/respond/:token']),
    );
    expect(JSON.stringify(rows)).not.toMatch(/AAAA|BBBB|CCCC/);
  });

  it('answers an over-large form on the link page with a Swedish HTML 413', async () => {
    const page = await t
      .http()
      .post(`/respond/${'D'.repeat(43)}`)
      .set('X-Forwarded-For', '198.51.100.60')
      .type('form')
      .send({ position: 'approve', summary: 'å'.repeat(300_000) });
    expect(page.status).toBe(413);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<h1>Svaret är för stort</h1>');
    expect(page.text).toContain('högst 50 MB per fil');
    // The JSON API stays JSON.
    const api = await t
      .http()
      .post(`/api/respond/${'D'.repeat(43)}`)
      .set('X-Forwarded-For', '198.51.100.61')
      .type('form')
      .send({ position: 'approve', summary: 'å'.repeat(300_000) });
    expect(api.status).toBe(413);
    expect(api.body.code).toBe('payload_too_large');
    expect(api.body.requestId).toMatch(UUID);
  });
});

describe('the security log keeps its rows for SECURITY_LOG_RETENTION_DAYS', () => {
  const DAY_MS = 24 * 3600 * 1000;
  let t: TestApp | null = null;

  afterAll(async () => {
    await t?.close();
  });

  it('deletes rows older than the setting in the scheduled job, once the clock has moved on', async () => {
    const first = await startTestApp({ SECURITY_LOG_RETENTION_DAYS: '30' });
    t = first;
    const fail = (app: TestApp, email: string) =>
      app.http().post('/api/auth/login').send({ email, password: 'wrong-guess' });
    expect((await fail(first, 'old@test.exempel.se')).status).toBe(401);
    expect((await fail(first, 'kept@test.exempel.se')).status).toBe(401);
    // The kept row's last event two days later: 29 days old when the clock has moved 31.
    await first.sql(
      `UPDATE security_event SET last_at = last_at + INTERVAL 2 DAY WHERE account = 'kept@test.exempel.se'`,
    );
    const accounts = async (app: TestApp) =>
      (
        await app.sql<{ account: string }>(
          "SELECT account FROM security_event WHERE kind = 'login_failed' ORDER BY account",
        )
      ).map((row) => row.account);
    // Nothing has expired yet: the job that ran at start left both.
    expect(await accounts(first)).toEqual(['kept@test.exempel.se', 'old@test.exempel.se']);

    // The same database and queues, 31 days later.
    await first.close({ keepData: true });
    t = null;
    const later = await startTestApp(
      {},
      {
        ...first.config,
        clockOffsetMs: first.config.clockOffsetMs + 31 * DAY_MS,
      },
    );
    t = later;
    expect((await fail(later, 'new@test.exempel.se')).status).toBe(401);
    const remaining = await waitFor(
      () => accounts(later),
      (rows) => !rows.includes('old@test.exempel.se'),
    );
    expect(remaining).toEqual(['kept@test.exempel.se', 'new@test.exempel.se']);
  });
});
