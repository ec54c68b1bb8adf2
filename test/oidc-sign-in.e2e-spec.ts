import request from 'supertest';
import { adminAuth, createOrganisation } from './helpers/factories.js';
import {
  signInAtIdp,
  signOutAtIdp,
  type IdpCookies,
  type TestIdp,
} from './helpers/oidc-provider.js';
import { FORGERIES, forgeJwt, startTamperedIdp, type TamperProxy } from './helpers/oidc-tamper.js';
import { freePort } from './helpers/browser.js';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app.js';
import { csrfOf, pageText, type Agent } from './helpers/web-agent.js';

/*
 * Single sign-on through a real OpenID provider (oidc-provider on a local port, behind a proxy
 * that can swap the ID token it hands out): the staff pages' sign-in, the refusals, the API's
 * acceptance of the provider's access tokens and PASSWORD_LOGIN=admins.
 */

const PUBLIC_URL = 'http://remiss.test';
const DISPLAY_NAME = 'Logga in med Testkommunens konto';
const REFUSED_ROLE = 'Du har inte behörighet till Remiss – kontakta';

describe('single sign-on with OpenID Connect', () => {
  let t: TestApp;
  let idp: TestIdp;
  let proxy: TamperProxy;
  let stopIdp: () => Promise<void>;
  let admin: string;
  let sfn: { id: number };
  let ks: { id: number };

  beforeAll(async () => {
    const tampered = await startTamperedIdp({
      redirectUris: [`${PUBLIC_URL}/login/oidc/callback`],
      postLogoutRedirectUris: [`${PUBLIC_URL}/login`],
      apiClientRoles: ['Remiss.Registrator'],
      organisationClaim: 'organisation',
    });
    ({ idp, proxy } = tampered);
    stopIdp = tampered.stop;
    t = await startTestApp({
      PUBLIC_URL,
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
      OIDC_DISPLAY_NAME: DISPLAY_NAME,
      OIDC_ROLE_MAP: 'Remiss.Registrator=registrar,Remiss.Sekreterare=clerk,Remiss.Admin=admin',
      OIDC_ORGANISATION_CLAIM: 'organisation',
      OIDC_ORGANISATION_MAP: 'Servicenamnden=SFN,Kommunstyrelsen=KS',
      OIDC_API_AUDIENCE: idp.apiAudience,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    });
    admin = await adminAuth(t);
    ks = await createOrganisation(t, admin, {
      name: 'Kommunstyrelsen',
      kind: 'council',
      seriesCode: 'KS',
    });
    sfn = await createOrganisation(t, admin, {
      name: 'Servicenämnden',
      kind: 'committee',
      seriesCode: 'SFN',
    });
  });

  afterAll(async () => {
    await t?.close();
    await stopIdp?.();
  });

  /** Starts at `/login/oidc`, signs in at the provider and comes back to the callback. */
  async function signIn(login: string, cookies: IdpCookies = new Map()) {
    const agent = request.agent(t.app.getHttpServer());
    const start = await agent.get('/login/oidc').expect(303);
    const back = new URL(await signInAtIdp(start.headers.location, login, cookies));
    expect(back.origin + back.pathname).toBe(`${PUBLIC_URL}/login/oidc/callback`);
    const callback = `${back.pathname}${back.search}`;
    const response = await agent.get(callback);
    return { agent, response, callback, cookies };
  }

  async function usersWithSubject(subject: string) {
    return t.sql<{ id: number; roles: string; password_hash: string | null; active: number }>(
      'SELECT id, roles, password_hash, active FROM user WHERE oidc_subject = ?',
      [subject],
    );
  }

  async function organisationIdsOf(userId: number): Promise<number[]> {
    const rows = await t.sql<{ organisation_id: number }>(
      'SELECT organisation_id FROM user_organisation WHERE user_id = ? ORDER BY organisation_id',
      [userId],
    );
    return rows.map((row) => row.organisation_id);
  }

  async function isSignedIn(agent: Agent): Promise<boolean> {
    const start = await agent.get('/');
    return start.status === 200;
  }

  it('shows the provider button on the sign-in page, and the password form for admins', async () => {
    const page = await t.http().get('/login').expect(200);
    expect(page.text).toContain(`<a class="ds-button" href="/login/oidc">${DISPLAY_NAME}</a>`);
    const text = pageText(page.text);
    expect(text).toContain(
      'Inloggning med lösenord är bara för administratörer (reservinloggning).',
    );
    expect(text).toContain('E-postadress');
    expect(text).not.toContain('inte tillgänglig just nu');
  });

  it('sends the browser to the provider with state, nonce and PKCE, the pending sign-in in a short cookie', async () => {
    const start = await t.http().get('/login/oidc').expect(303);
    const target = new URL(start.headers.location);
    expect(target.origin).toBe(new URL(idp.issuer).origin);
    expect(target.searchParams.get('client_id')).toBe(idp.clientId);
    expect(target.searchParams.get('redirect_uri')).toBe(`${PUBLIC_URL}/login/oidc/callback`);
    expect(target.searchParams.get('response_type')).toBe('code');
    expect(target.searchParams.get('scope')).toBe('openid profile email');
    expect(target.searchParams.get('code_challenge_method')).toBe('S256');
    expect(target.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(target.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
    const cookie = (start.headers['set-cookie'] as unknown as string[]).join('\n');
    expect(cookie).toMatch(
      /remiss_sso=[\w-]+; Max-Age=600; Path=\/login\/oidc; Expires=[^;]+; HttpOnly; SameSite=Lax/,
    );
  });

  it('creates the user on first sign-in with the mapped roles and organisation', async () => {
    idp.setUser('rita', {
      name: 'Rita Registrator',
      email: 'rita@testkommun.se',
      roles: ['Remiss.Registrator', 'Annat.System'],
      organisation: ['Servicenamnden'],
    });
    const { agent, response } = await signIn('rita');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/');
    expect(await isSignedIn(agent)).toBe(true);

    const [user] = await usersWithSubject('rita');
    expect(user).toMatchObject({ roles: 'registrar', password_hash: null, active: 1 });
    expect(await organisationIdsOf(user.id)).toEqual([sfn.id]);
    const [row] = await t.sql<{ oidc_issuer: string; email: string; name: string }>(
      'SELECT oidc_issuer, email, name FROM user WHERE id = ?',
      [user.id],
    );
    expect(row).toEqual({
      oidc_issuer: idp.issuer,
      email: 'rita@testkommun.se',
      name: 'Rita Registrator',
    });
    const audit = await t.sql<{ action: string; actor_label: string }>(
      'SELECT action, actor_label FROM audit_event WHERE entity = ? AND entity_id = ? ORDER BY id',
      ['user', String(user.id)],
    );
    expect(audit).toEqual([
      { action: 'user.created', actor_label: 'rita@testkommun.se' },
      { action: 'user.logged_in', actor_label: 'rita@testkommun.se' },
    ]);

    // The admin sees how each user signs in, in the API and on the users page.
    const listed = await t.http().get('/api/users').set('Authorization', admin).expect(200);
    const signIns = Object.fromEntries(
      (listed.body.items as { email: string; signIn: string }[]).map((u) => [u.email, u.signIn]),
    );
    expect(signIns).toEqual({ 'rita@testkommun.se': 'oidc', [ADMIN.email]: 'password' });
    const adminPages = request.agent(t.app.getHttpServer());
    const form = await adminPages.get('/login').expect(200);
    await adminPages
      .post('/login')
      .type('form')
      .send({ _csrf: csrfOf(form.text), email: ADMIN.email, password: ADMIN.password })
      .expect(303);
    const usersPage = pageText((await adminPages.get('/admin/users').expect(200)).text);
    expect(usersPage).toMatch(
      /Rita Registrator rita@testkommun\.se Registrator Servicenämnden OIDC Aktiv/,
    );
    expect(usersPage).toMatch(
      /Systemförvaltare admin@test\.exempel\.se Administratör Inga Lösenord Aktiv/,
    );
    const userPage = pageText((await adminPages.get(`/admin/users/${user.id}`).expect(200)).text);
    expect(userPage).toContain('Inloggning OIDC');
  });

  it('sets roles and organisations from the claims at the next sign-in, and audits the change', async () => {
    idp.setUser('rita', {
      name: 'Rita Registrator',
      email: 'rita@testkommun.se',
      roles: ['Remiss.Sekreterare'],
      organisation: ['Kommunstyrelsen', 'Servicenamnden'],
    });
    const { response } = await signIn('rita');
    expect(response.status).toBe(303);
    const [user] = await usersWithSubject('rita');
    expect(user.roles).toBe('clerk');
    expect(await organisationIdsOf(user.id)).toEqual([ks.id, sfn.id].sort((a, b) => a - b));
    const changes = await t.sql<{ before: string; after: string }>(
      "SELECT before_state AS `before`, after_state AS `after` FROM audit_event WHERE action = 'user.updated_from_sso' AND entity_id = ?",
      [String(user.id)],
    );
    expect(changes.map((c) => [JSON.parse(c.before), JSON.parse(c.after)])).toEqual([
      [
        { roles: ['registrar'], organisationIds: [sfn.id] },
        { roles: ['clerk'], organisationIds: [ks.id, sfn.id].sort((a, b) => a - b) },
      ],
    ]);
    // The same claims again: nothing changes, nothing more is audited.
    await signIn('rita');
    const again = await t.sql(
      "SELECT id FROM audit_event WHERE action = 'user.updated_from_sso' AND entity_id = ?",
      [String(user.id)],
    );
    expect(again).toHaveLength(1);
  });

  it('refuses a person without a mapped role with a Swedish page and writes no user', async () => {
    idp.setUser('olle', {
      name: 'Olle Obehörig',
      email: 'olle@testkommun.se',
      roles: ['Annat.System'],
      organisation: ['Servicenamnden'],
    });
    const { agent, response } = await signIn('olle');
    expect(response.status).toBe(403);
    expect(pageText(response.text)).toContain(REFUSED_ROLE);
    expect(await usersWithSubject('olle')).toEqual([]);
    expect(await t.sql("SELECT id FROM user WHERE email = 'olle@testkommun.se'")).toEqual([]);
    expect(await isSignedIn(agent)).toBe(false);
    const logged = await t.sql<{ account: string }>(
      "SELECT account FROM security_event WHERE kind = 'sso_refused'",
    );
    expect(logged.map((row) => row.account)).toContain('olle@testkommun.se');
  });

  it('keeps a user deactivated in Remiss out, whatever the provider says', async () => {
    idp.setUser('dora', {
      name: 'Dora Avstängd',
      email: 'dora@testkommun.se',
      roles: ['Remiss.Registrator'],
    });
    expect((await signIn('dora')).response.status).toBe(303);
    const [user] = await usersWithSubject('dora');
    await t
      .http()
      .patch(`/api/users/${user.id}`)
      .set('Authorization', admin)
      .send({ active: false })
      .expect(200);
    const { agent, response } = await signIn('dora');
    expect(response.status).toBe(403);
    expect(pageText(response.text)).toContain('Ditt konto i Remiss är avstängt');
    expect(await isSignedIn(agent)).toBe(false);
    expect((await usersWithSubject('dora'))[0].active).toBe(0);
  });

  it('refuses a return with the wrong state, and writes nothing', async () => {
    idp.setUser('stina', {
      name: 'Stina',
      email: 'stina@testkommun.se',
      roles: ['Remiss.Registrator'],
    });
    const agent = request.agent(t.app.getHttpServer());
    const start = await agent.get('/login/oidc').expect(303);
    const back = new URL(await signInAtIdp(start.headers.location, 'stina'));
    back.searchParams.set('state', 'not-the-state-we-sent');
    const response = await agent.get(`${back.pathname}${back.search}`);
    expect(response.status).toBe(400);
    expect(pageText(response.text)).toContain('Inloggningen kunde inte slutföras');
    expect(await usersWithSubject('stina')).toEqual([]);
    expect(await isSignedIn(agent)).toBe(false);
  });

  it('refuses a replayed code: once the pending sign-in is used, and in another browser', async () => {
    idp.setUser('rune', {
      name: 'Rune',
      email: 'rune@testkommun.se',
      roles: ['Remiss.Registrator'],
    });
    const first = await signIn('rune');
    expect(first.response.status).toBe(303);
    // The same return again in the same browser: the pending sign-in was single use.
    const again = await first.agent.get(first.callback);
    expect(again.status).toBe(400);

    // An attacker starts a sign-in of their own and feeds it the used code with their state.
    const attacker = request.agent(t.app.getHttpServer());
    const start = await attacker.get('/login/oidc').expect(303);
    const state = new URL(start.headers.location).searchParams.get('state')!;
    const replay = new URL(first.callback, PUBLIC_URL);
    replay.searchParams.set('state', state);
    const response = await attacker.get(`${replay.pathname}${replay.search}`);
    expect(response.status).toBe(400);
    expect(await isSignedIn(attacker)).toBe(false);
    expect(await usersWithSubject('rune')).toHaveLength(1);
  });

  it.each(FORGERIES)('refuses an ID token forged as %s, and writes nothing', async (forgery) => {
    const subject = `forged-${forgery}`;
    idp.setUser(subject, {
      name: 'Falsk',
      email: `${subject}@testkommun.se`,
      roles: ['Remiss.Admin'],
    });
    let forged = false;
    proxy.nextTokenResponse = async (body) => {
      forged = true;
      return { ...body, id_token: await forgeJwt(String(body.id_token), idp, forgery) };
    };
    const { agent, response } = await signIn(subject);
    expect(forged).toBe(true);
    expect(response.status).toBe(400);
    expect(pageText(response.text)).toContain('Inloggningen kunde inte slutföras');
    expect(await usersWithSubject(subject)).toEqual([]);
    expect(await isSignedIn(agent)).toBe(false);
  });

  it('signs out of Remiss and then at the provider, back to the sign-in page', async () => {
    idp.setUser('rita', {
      name: 'Rita Registrator',
      email: 'rita@testkommun.se',
      roles: ['Remiss.Registrator'],
    });
    const { agent, cookies } = await signIn('rita');
    const start = await agent.get('/').expect(200);
    const logoutsBefore = idp.logouts;
    const out = await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfOf(start.text) })
      .expect(303);
    const endSession = new URL(out.headers.location);
    expect(endSession.origin).toBe(new URL(idp.issuer).origin);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${PUBLIC_URL}/login`);
    expect(endSession.searchParams.get('id_token_hint')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(await isSignedIn(agent)).toBe(false);
    expect(await signOutAtIdp(endSession.href, cookies)).toBe(`${PUBLIC_URL}/login`);
    expect(idp.logouts).toBe(logoutsBefore + 1);
  });

  it('signs a password session out of Remiss only', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const form = await agent.get('/login').expect(200);
    await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfOf(form.text), email: ADMIN.email, password: ADMIN.password })
      .expect(303);
    const start = await agent.get('/').expect(200);
    const out = await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfOf(start.text) });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/login');
  });

  describe('PASSWORD_LOGIN=admins (the default with single sign-on)', () => {
    let registrarEmail: string;
    const password = 'a-long-test-password';

    beforeAll(async () => {
      registrarEmail = 'petra.password@testkommun.se';
      await t
        .http()
        .post('/api/users')
        .set('Authorization', admin)
        .send({
          name: 'Petra Lösenord',
          email: registrarEmail,
          password,
          roles: ['registrar'],
          organisationIds: [],
        })
        .expect(201);
    });

    it("refuses a registrar's password on the API and on the page, and logs it", async () => {
      const api = await t.http().post('/api/auth/login').send({ email: registrarEmail, password });
      expect(api.status).toBe(403);
      expect(api.body).toMatchObject({
        statusCode: 403,
        code: 'password_login_not_allowed',
        message: 'Password sign-in is only for administrators; sign in through single sign-on',
      });
      const agent = request.agent(t.app.getHttpServer());
      const form = await agent.get('/login').expect(200);
      const page = await agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrfOf(form.text), email: registrarEmail, password });
      expect(page.status).toBe(403);
      expect(pageText(page.text)).toContain(
        'Inloggning med lösenord är bara för administratörer. Logga in med ditt jobbkonto i stället.',
      );
      expect(await isSignedIn(agent)).toBe(false);
      const logged = await t.sql<{ count: number }>(
        "SELECT SUM(count) AS count FROM security_event WHERE kind = 'password_login_refused' AND account = ?",
        [registrarEmail],
      );
      expect(Number(logged[0].count)).toBe(2);
      const loggedIn = await t.sql(
        "SELECT a.id FROM audit_event a JOIN user u ON a.entity_id = u.id WHERE a.action LIKE 'user.logged_in%' AND u.email = ?",
        [registrarEmail],
      );
      expect(loggedIn).toEqual([]);
    });

    it('lets an admin in with a password, and audits it as break-glass', async () => {
      const [{ id }] = await t.sql<{ id: number }>('SELECT id FROM user WHERE email = ?', [
        ADMIN.email,
      ]);
      const before = await t.sql(
        "SELECT id FROM audit_event WHERE action = 'user.logged_in_break_glass' AND entity_id = ?",
        [String(id)],
      );
      const api = await t.http().post('/api/auth/login').send(ADMIN);
      expect(api.status).toBe(200);
      const agent = request.agent(t.app.getHttpServer());
      const form = await agent.get('/login').expect(200);
      await agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrfOf(form.text), ...ADMIN })
        .expect(303);
      expect(await isSignedIn(agent)).toBe(true);
      const after = await t.sql(
        "SELECT id FROM audit_event WHERE action = 'user.logged_in_break_glass' AND entity_id = ?",
        [String(id)],
      );
      expect(after.length - before.length).toBe(2);
    });
  });

  describe('the API with the provider’s access tokens', () => {
    it('lets a client-credentials token for OIDC_API_AUDIENCE in with the mapped role', async () => {
      const token = await idp.clientCredentialsToken();
      const rounds = await t.http().get('/api/rounds').set('Authorization', `Bearer ${token}`);
      expect(rounds.status).toBe(200);
      expect(rounds.body).toEqual({ items: [], nextCursor: null });
      // Registrar, not admin: the users are not for it.
      const users = await t.http().get('/api/users').set('Authorization', `Bearer ${token}`);
      expect(users.status).toBe(403);
    });

    it('refuses a token for another audience, and forged ones, with 401', async () => {
      const other = await idp.clientCredentialsToken({ audience: 'api://another-system' });
      const refused = await t.http().get('/api/rounds').set('Authorization', `Bearer ${other}`);
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('unauthorized');
      const genuine = await idp.clientCredentialsToken();
      for (const forgery of FORGERIES) {
        const forged = await forgeJwt(genuine, idp, forgery);
        const response = await t.http().get('/api/rounds').set('Authorization', `Bearer ${forged}`);
        expect([forgery, response.status]).toEqual([forgery, 401]);
      }
    });

    it('refuses a client whose token maps to no role', async () => {
      idp.setClientRoles(idp.clientId, ['Annat.System']);
      try {
        const token = await idp.clientCredentialsToken();
        const response = await t.http().get('/api/rounds').set('Authorization', `Bearer ${token}`);
        expect(response.status).toBe(403);
      } finally {
        idp.setClientRoles(idp.clientId, ['Remiss.Registrator']);
      }
    });
  });
});

describe('single sign-on while the provider is unreachable', () => {
  let t: TestApp;

  beforeAll(async () => {
    // A port nobody listens on: every connection is refused.
    const port = await freePort();
    t = await startTestApp({
      OIDC_ISSUER: `http://127.0.0.1:${port}/realms/staff`,
      OIDC_CLIENT_ID: 'remiss',
      OIDC_CLIENT_SECRET: 'remiss-secret',
      OIDC_DISPLAY_NAME: DISPLAY_NAME,
      OIDC_ROLE_MAP: 'Remiss.Registrator=registrar',
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('starts, says on the sign-in page that single sign-on is unavailable, and lets an admin in with a password', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const form = await agent.get('/login').expect(200);
    const text = pageText(form.text);
    expect(text).toContain('Inloggning med jobbkontot är inte tillgänglig just nu.');
    expect(form.text).not.toContain('href="/login/oidc"');
    // Starting a sign-in anyway leads back to the page that says so.
    const start = await agent.get('/login/oidc').expect(303);
    expect(start.headers.location).toBe('/login');
    await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfOf(form.text), ...ADMIN })
      .expect(303);
    expect((await agent.get('/').expect(200)).text).toContain('Logga ut');
    const api = await t.http().post('/api/auth/login').send(ADMIN);
    expect(api.status).toBe(200);
  });

  it('reports the provider on /health as a warning, not a failure', async () => {
    const health = await t.http().get('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(health.body.warnings).toEqual({
      identityProvider: {
        status: 'unavailable',
        lastError: expect.stringMatching(/ECONNREFUSED|fetch failed/),
        checkedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    });
    expect(Object.keys(health.body.details).sort()).toEqual(['database', 'redis']);
  });
});

describe('PASSWORD_LOGIN=none', () => {
  let t: TestApp;

  beforeAll(async () => {
    const port = await freePort();
    t = await startTestApp({
      OIDC_ISSUER: `http://127.0.0.1:${port}`,
      OIDC_CLIENT_ID: 'remiss',
      OIDC_CLIENT_SECRET: 'remiss-secret',
      OIDC_DISPLAY_NAME: DISPLAY_NAME,
      OIDC_ROLE_MAP: 'Remiss.Registrator=registrar',
      PASSWORD_LOGIN: 'none',
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('shows no password form and refuses even an admin’s password, on the API and the page', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const form = await agent.get('/login').expect(200);
    expect(form.text).not.toContain('type="password"');
    const api = await t.http().post('/api/auth/login').send(ADMIN);
    expect(api.status).toBe(403);
    expect(api.body).toMatchObject({
      code: 'password_login_not_allowed',
      message: 'Password sign-in is turned off; sign in through single sign-on',
    });
    // A post made anyway (the form's token is in its cookie) is refused by the same rule.
    const cookies = (form.headers['set-cookie'] as unknown as string[]).join(';');
    const token = /remiss_login_csrf=([^;]+)/.exec(cookies)![1];
    const page = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: decodeURIComponent(token), ...ADMIN });
    expect(page.status).toBe(403);
    expect(pageText(page.text)).toContain(
      'Inloggning med lösenord är avstängd. Logga in med ditt jobbkonto i stället.',
    );
    expect((await agent.get('/')).status).toBe(303);
  });
});
