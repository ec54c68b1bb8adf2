import request from 'supertest';
import { adminAuth } from './helpers/factories.js';
import { signInAtIdp, type TestIdp } from './helpers/oidc-provider.js';
import { startTamperedIdp } from './helpers/oidc-tamper.js';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app.js';
import { csrfOf, pageText, signInAgent } from './helpers/web-agent.js';

/*
 * Linking an existing password account to the identity provider: only with an admin's one-time
 * permit (7 days), for an active account that has no identity there yet; otherwise the first
 * sign-in through the provider with that e-mail address is refused (409) and nothing is linked.
 */

const PUBLIC_URL = 'http://remiss.test';
const DAY_MS = 24 * 60 * 60 * 1000;
const TAKEN = 'Det finns redan ett konto i Remiss med din e-postadress';

describe('linking a password account to single sign-on', () => {
  let t: TestApp;
  let idp: TestIdp;
  let stopIdp: () => Promise<void>;
  let admin: string;

  beforeAll(async () => {
    const tampered = await startTamperedIdp({
      redirectUris: [`${PUBLIC_URL}/login/oidc/callback`],
      postLogoutRedirectUris: [`${PUBLIC_URL}/login`],
      apiClientRoles: ['Remiss.Registrator'],
      organisationClaim: 'organisation',
    });
    idp = tampered.idp;
    stopIdp = tampered.stop;
    t = await startTestApp({
      PUBLIC_URL,
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
      OIDC_DISPLAY_NAME: 'Logga in med Testkommunens konto',
      OIDC_ROLE_MAP: 'Remiss.Registrator=registrar,Remiss.Sekreterare=clerk,Remiss.Admin=admin',
      OIDC_API_AUDIENCE: idp.apiAudience,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    });
    admin = await adminAuth(t);
  });

  afterAll(async () => {
    await t?.close();
    await stopIdp?.();
  });

  async function signIn(login: string) {
    const agent = request.agent(t.app.getHttpServer());
    const start = await agent.get('/login/oidc').expect(303);
    const back = new URL(await signInAtIdp(start.headers.location, login, new Map()));
    const response = await agent.get(`${back.pathname}${back.search}`);
    return { agent, response };
  }

  /** A password account (a clerk) with this e-mail address, and the person at the provider. */
  async function passwordAccount(login: string): Promise<number> {
    const email = `${login}@testkommun.se`;
    const created = await t
      .http()
      .post('/api/users')
      .set('Authorization', admin)
      .send({
        name: `Konto ${login}`,
        email,
        password: 'a-long-test-password',
        roles: ['clerk'],
        organisationIds: [],
      })
      .expect(201);
    idp.setUser(login, { name: `Person ${login}`, email, roles: ['Remiss.Registrator'] });
    return created.body.id as number;
  }

  async function accountRow(id: number) {
    const [row] = await t.sql<{
      oidc_issuer: string | null;
      oidc_subject: string | null;
      sso_link_allowed_until: Date | null;
      roles: string;
    }>('SELECT oidc_issuer, oidc_subject, sso_link_allowed_until, roles FROM user WHERE id = ?', [
      id,
    ]);
    return row;
  }

  async function auditOf(id: number, action: string) {
    return t.sql<{ id: number }>(
      'SELECT id FROM audit_event WHERE entity = ? AND entity_id = ? AND action = ?',
      ['user', String(id), action],
    );
  }

  function allowLink(id: number) {
    return t.http().post(`/api/users/${id}/sso-link`).set('Authorization', admin);
  }

  async function usersWithEmail(email: string) {
    return t.sql<{ id: number }>('SELECT id FROM user WHERE email = ?', [email]);
  }

  it('refuses the sign-in without a permit (409) and links nothing', async () => {
    const id = await passwordAccount('utan');
    const { response } = await signIn('utan');
    expect(response.status).toBe(409);
    expect(pageText(response.text)).toContain(TAKEN);
    expect(await accountRow(id)).toMatchObject({ oidc_subject: null, roles: 'clerk' });
    expect(await usersWithEmail('utan@testkommun.se')).toEqual([{ id }]);
    expect(await auditOf(id, 'user.linked_to_sso')).toEqual([]);
  });

  it('links the same account with an admin’s permit, once: permit cleared, audited, roles from the claims', async () => {
    const id = await passwordAccount('med');
    const before = Date.now() + t.config.clockOffsetMs;
    const permit = await allowLink(id).expect(200);
    expect(permit.body.userId).toBe(id);
    const until = new Date(permit.body.allowedUntil).getTime();
    expect(until - before).toBeGreaterThanOrEqual(7 * DAY_MS - 60_000);
    expect(until - before).toBeLessThanOrEqual(7 * DAY_MS + 60_000);
    expect((await accountRow(id)).sso_link_allowed_until).not.toBeNull();
    expect(await auditOf(id, 'user.sso_link_allowed')).toHaveLength(1);

    const { agent, response } = await signIn('med');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/');
    await agent.get('/').expect(200);
    expect(await accountRow(id)).toEqual({
      oidc_issuer: idp.issuer,
      oidc_subject: 'med',
      sso_link_allowed_until: null,
      roles: 'registrar',
    });
    expect(await usersWithEmail('med@testkommun.se')).toEqual([{ id }]);
    expect(await auditOf(id, 'user.linked_to_sso')).toHaveLength(1);
    const api = await t.http().get(`/api/users/${id}`).set('Authorization', admin).expect(200);
    expect(api.body).toMatchObject({ id, signIn: 'oidc', roles: ['registrar'] });

    // Linked now: the next sign-in finds it by its identity; a new permit is refused.
    expect((await signIn('med')).response.status).toBe(303);
    expect(await auditOf(id, 'user.linked_to_sso')).toHaveLength(1);
    const again = await allowLink(id).expect(409);
    expect(again.body.code).toBe('sso_already_linked');
  });

  it('answers 404 for an unknown user and 401 without a token', async () => {
    await allowLink(999_999).expect(404);
    await t.http().post('/api/users/1/sso-link').expect(401);
  });

  it('refuses an expired permit and links nothing', async () => {
    const id = await passwordAccount('gammal');
    await allowLink(id).expect(200);
    t.config.clockOffsetMs += 7 * DAY_MS + 60_000;
    try {
      const { response } = await signIn('gammal');
      expect(response.status).toBe(409);
      expect(pageText(response.text)).toContain(TAKEN);
    } finally {
      t.config.clockOffsetMs -= 7 * DAY_MS + 60_000;
    }
    const row = await accountRow(id);
    expect(row.oidc_subject).toBeNull();
    expect(row.sso_link_allowed_until).not.toBeNull();
    expect(await auditOf(id, 'user.linked_to_sso')).toEqual([]);
  });

  it('refuses a deactivated account even with a permit, and links nothing', async () => {
    const id = await passwordAccount('avstangd');
    await allowLink(id).expect(200);
    await t
      .http()
      .patch(`/api/users/${id}`)
      .set('Authorization', admin)
      .send({ active: false })
      .expect(200);
    const { response } = await signIn('avstangd');
    expect(response.status).toBe(409);
    expect((await accountRow(id)).oidc_subject).toBeNull();
    expect(await auditOf(id, 'user.linked_to_sso')).toEqual([]);
  });

  it('offers the permit on the admin user page: a form with CSRF, post-redirect-get, a flash and the end date', async () => {
    const id = await passwordAccount('sida');
    const agent = await signInAgent(t, ADMIN.email, ADMIN.password);
    const page = await agent.get(`/admin/users/${id}`).expect(200);
    expect(page.text).toContain(`action="/admin/users/${id}/sso-link"`);
    expect(page.text).toContain('id="sso-link">Tillåt koppling till jobbkontot</button>');
    expect(page.text).not.toContain('id="sso-link-until"');

    // Without the CSRF token nothing happens.
    const forged = await agent.post(`/admin/users/${id}/sso-link`).type('form').send({});
    expect(forged.status).toBe(403);
    expect((await accountRow(id)).sso_link_allowed_until).toBeNull();

    const posted = await agent
      .post(`/admin/users/${id}/sso-link`)
      .type('form')
      .send({ _csrf: csrfOf(page.text) })
      .expect(303);
    expect(posted.headers.location).toBe(`/admin/users/${id}`);
    const after = await agent.get(`/admin/users/${id}`).expect(200);
    const text = pageText(after.text);
    expect(text).toMatch(
      /Kontot kan kopplas till jobbkontot vid nästa inloggning, senast \d{4}-\d{2}-\d{2} \d{2}:\d{2}/,
    );
    expect(text).toMatch(/Kopplingen är tillåten till och med \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect((await accountRow(id)).sso_link_allowed_until).not.toBeNull();

    // Once linked, the page no longer offers it.
    expect((await signIn('sida')).response.status).toBe(303);
    const linked = await agent.get(`/admin/users/${id}`).expect(200);
    expect(linked.text).not.toContain('Tillåt koppling till jobbkontot');
  });
});
