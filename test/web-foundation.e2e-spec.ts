import request from 'supertest';
import { ADMIN, login, startTestApp, type TestApp } from './helpers/test-app.js';

const REGISTRAR = {
  name: 'Rita Registrator',
  email: 'rita@test.exempel.se',
  password: 'registrar-password-1',
};

type Agent = ReturnType<typeof request.agent>;

function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`No CSRF field in ${html.slice(0, 200)}`);
  return match[1];
}

function sessionCookieOf(response: request.Response): string {
  const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  const cookie = cookies.find((value) => value.startsWith('remiss_session='));
  if (!cookie) throw new Error(`No session cookie in ${cookies.join(' | ')}`);
  return cookie;
}

describe('staff pages: sign-in, sessions, CSRF, error pages', () => {
  let t: TestApp;
  let adminAuth: string;
  let registrarId: number;

  beforeAll(async () => {
    t = await startTestApp({
      WEB_SESSION_IDLE_MINUTES: '30',
      LOGIN_RATE_LIMIT: '15',
      LOGIN_ADDRESS_RATE_LIMIT: '1000',
    });
    adminAuth = await login(t, ADMIN.email, ADMIN.password);
    const created = await t
      .http()
      .post('/api/users')
      .set('Authorization', adminAuth)
      .send({ ...REGISTRAR, roles: ['registrar'], organisationIds: [] })
      .expect(201);
    registrarId = (created.body as { id: number }).id;
  });

  afterAll(async () => {
    await t?.close();
  });

  async function signIn(
    email = REGISTRAR.email,
    password = REGISTRAR.password,
  ): Promise<{ agent: Agent; response: request.Response }> {
    const agent = request.agent(t.app.getHttpServer());
    const form = await agent.get('/login').expect(200);
    const response = await agent
      .post('/login?next=%2F')
      .type('form')
      .send({ _csrf: csrfOf(form.text), email, password });
    return { agent, response };
  }

  async function sessions(): Promise<number> {
    // Counted through the app's own Redis prefix.
    const { Redis } = await import('ioredis');
    const redis = new Redis(t.config.redisUrl.href);
    try {
      return (await redis.keys(`${t.config.queuePrefix}:web:session:*`)).length;
    } finally {
      redis.disconnect();
    }
  }

  it('signs in with a session cookie, shows the menu for the role, and signs out', async () => {
    const { agent, response } = await signIn();
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/');
    const cookie = sessionCookieOf(response);
    expect(cookie).toMatch(/^remiss_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');

    const start = await agent.get('/').expect(200);
    expect(start.text).toContain('<html lang="sv"');
    expect(start.text).toContain('<h1 class="ds-heading">Start</h1>');
    expect(start.text).toContain('Rita Registrator');
    const nav = /<nav aria-label="Huvudmeny"[\s\S]*?<\/nav>/.exec(start.text)?.[0] ?? '';
    const links = [...nav.matchAll(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(links).toEqual([
      ['/rounds', 'Remisser'],
      ['/cases', 'Ärenden'],
      ['/meetings', 'Sammanträden'],
    ]);
    expect(start.text).toContain('href="#main">Till innehållet</a>');

    const before = await sessions();
    await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfOf(start.text) })
      .expect(303);
    expect(await sessions()).toBe(before - 1);
    // The old cookie no longer opens a page.
    const after = await request(t.app.getHttpServer()).get('/').set('Cookie', cookie.split(';')[0]);
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe('/login?next=%2F');
  });

  it('sends a browser without a session to the sign-in page and back after it', async () => {
    const response = await t.http().get('/?tab=today');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/login?next=%2F%3Ftab%3Dtoday');
    const agent = request.agent(t.app.getHttpServer());
    const form = await agent.get('/login?next=%2Fcases').expect(200);
    expect(form.text).toContain('<label class="ds-label" for="email">E-postadress</label>');
    expect(form.text).toContain('<label class="ds-label" for="password">Lösenord</label>');
    expect(form.text).toContain('>Logga in</button>');
    // Under helmet's no-referrer a browser would post the form with `Origin: null`.
    expect(form.headers['referrer-policy']).toBe('same-origin');
    expect((await t.http().get('/api/no-such-thing')).headers['referrer-policy']).toBe(
      'no-referrer',
    );
    const signedIn = await agent
      .post('/login?next=%2Fcases')
      .type('form')
      .send({ _csrf: csrfOf(form.text), email: REGISTRAR.email, password: REGISTRAR.password });
    expect(signedIn.headers.location).toBe('/cases');
    // A foreign target is never followed.
    const again = await agent.get('/login?next=%2F%2Fevil.example').expect(303);
    expect(again.headers.location).toBe('/');
  });

  it('refuses a wrong password with the error summary, keeping the e-mail, and logs it', async () => {
    const { response } = await signIn(REGISTRAR.email.toUpperCase(), 'wrong-password-123');
    expect(response.status).toBe(401);
    expect(response.text).toContain('Fel e-postadress eller lösenord');
    expect(response.text).toContain(`value="${REGISTRAR.email.toUpperCase()}"`);
    expect(response.headers['set-cookie']?.toString() ?? '').not.toContain('remiss_session=');
    const events = await t.sql<{ count: number }>(
      "SELECT count FROM security_event WHERE kind = 'login_failed' AND account = ?",
      [REGISTRAR.email.toUpperCase()],
    );
    expect(events).toHaveLength(1);
  });

  it('shows a refused form with Swedish field messages', async () => {
    const { response } = await signIn('not-an-address', '');
    expect(response.status).toBe(400);
    expect(response.text).toContain('Det finns fel i formuläret');
    expect(response.text).toContain(
      '<a class="ds-link" href="#email">Skriv e-postadress som en e-postadress, till exempel namn@exempel.se</a>',
    );
    expect(response.text).toContain('<a class="ds-link" href="#password">Fyll i lösenord</a>');
    expect(response.text).toMatch(
      /id="email" name="email" aria-describedby="email-error" aria-invalid="true"/,
    );
    expect(response.text).toContain('value="not-an-address"');
  });

  it('applies the login limits to the page: 429 page with Retry-After', async () => {
    const email = 'limit@test.exempel.se';
    let last: request.Response | null = null;
    for (let attempt = 0; attempt < 16; attempt += 1) {
      last = (await signIn(email, 'wrong-password-123')).response;
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(last!.text).toContain('<html lang="sv"');
    expect(last!.text).toContain('För många försök');
  });

  it('takes a post whose Origin is the address the request was sent to, not only PUBLIC_URL', async () => {
    const { agent } = await signIn();
    const token = csrfOf((await agent.get('/').expect(200)).text);
    const count = await sessions();
    // A browser that reached the service as 127.0.0.1 while PUBLIC_URL names another host.
    const other = await agent
      .post('/logout')
      .set('Host', '127.0.0.1:9999')
      .set('Origin', 'http://127.0.0.2:9999')
      .type('form')
      .send({ _csrf: token });
    expect(other.status).toBe(403);
    expect(await sessions()).toBe(count);
    await agent
      .post('/logout')
      .set('Host', '127.0.0.1:9999')
      .set('Origin', 'http://127.0.0.1:9999')
      .type('form')
      .send({ _csrf: token })
      .expect(303);
    expect(await sessions()).toBe(count - 1);
  });

  it('refuses a post without a token, with a wrong token or from another site, and writes nothing', async () => {
    const { agent } = await signIn();
    const page = await agent.get('/').expect(200);
    const token = csrfOf(page.text);
    const count = await sessions();
    for (const attempt of [
      agent.post('/logout').type('form').send({}),
      agent
        .post('/logout')
        .type('form')
        .send({ _csrf: `${token.slice(0, -1)}x` }),
      agent
        .post('/logout')
        .set('Origin', 'https://evil.example')
        .type('form')
        .send({ _csrf: token }),
    ]) {
      const refused = await attempt;
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('<html lang="sv"');
      expect(refused.text).toContain('Formuläret kunde inte skickas');
    }
    // A multipart form (file upload) is parsed after the guard: its token goes in the query.
    const multipart = await agent.post('/logout').field('_csrf', token).field('note', 'x');
    expect(multipart.status).toBe(403);
    expect(await sessions()).toBe(count);
    await agent.get('/').expect(200);
    await agent
      .post(`/logout?_csrf=${encodeURIComponent(token)}`)
      .field('note', 'x')
      .expect(303);
    expect(await sessions()).toBe(count - 1);
    // After the session has ended, a post is not carried out: the browser is sent to sign in.
    const late = await agent.post('/logout').type('form').send({ _csrf: token });
    expect(late.status).toBe(303);
    expect(late.headers.location).toBe('/login');
    // The sign-in form needs its own token too.
    const noToken = await request(t.app.getHttpServer())
      .post('/login')
      .type('form')
      .send({ email: REGISTRAR.email, password: REGISTRAR.password });
    expect(noToken.status).toBe(403);
    expect(noToken.headers['set-cookie']?.toString() ?? '').not.toContain('remiss_session=');
  });

  it('ends a session after idle time on the app clock', async () => {
    const { agent } = await signIn();
    await agent.get('/').expect(200);
    const original = t.config.clockOffsetMs;
    try {
      t.config.clockOffsetMs = original + 29 * 60_000;
      await agent.get('/').expect(200);
      t.config.clockOffsetMs = original + (29 + 31) * 60_000;
      const expired = await agent.get('/');
      expect(expired.status).toBe(303);
      expect(expired.headers.location).toBe('/login?next=%2F');
    } finally {
      t.config.clockOffsetMs = original;
    }
  });

  it('ends a session 12 hours after sign-in however busy it is', async () => {
    const { agent } = await signIn();
    const original = t.config.clockOffsetMs;
    try {
      for (let minutes = 25; minutes < 12 * 60; minutes += 25) {
        t.config.clockOffsetMs = original + minutes * 60_000;
        await agent.get('/').expect(200);
      }
      t.config.clockOffsetMs = original + (12 * 60 + 1) * 60_000;
      expect((await agent.get('/')).status).toBe(303);
    } finally {
      t.config.clockOffsetMs = original;
    }
  });

  it('ends a session when the password changes or the account is deactivated', async () => {
    const first = await signIn();
    await first.agent.get('/').expect(200);
    const newPassword = 'registrar-password-2';
    await t
      .http()
      .patch(`/api/users/${registrarId}`)
      .set('Authorization', adminAuth)
      .send({ password: newPassword })
      .expect(200);
    expect((await first.agent.get('/')).status).toBe(303);

    const second = await signIn(REGISTRAR.email, newPassword);
    await second.agent.get('/').expect(200);
    await t
      .http()
      .patch(`/api/users/${registrarId}`)
      .set('Authorization', adminAuth)
      .send({ active: false })
      .expect(200);
    expect((await second.agent.get('/')).status).toBe(303);
    await t
      .http()
      .patch(`/api/users/${registrarId}`)
      .set('Authorization', adminAuth)
      .send({ active: true, password: REGISTRAR.password })
      .expect(200);
  });

  it('signs in once through a one-time link', async () => {
    const { WebSessionService } = await import('../src/web/web-session.service.js');
    const path = await t.app.get(WebSessionService).createOneTimeSignIn(registrarId);
    const agent = request.agent(t.app.getHttpServer());
    const used = await agent.get(path).expect(303);
    expect(used.headers.location).toBe('/');
    await agent.get('/').expect(200);
    const again = await request(t.app.getHttpServer()).get(path);
    expect(again.status).toBe(404);
    expect(again.text).toContain('Sidan finns inte');
  });

  it('answers page errors with Swedish pages and the API with JSON', async () => {
    const missing = await t.http().get('/no-such-page').expect(404);
    expect(missing.headers['content-type']).toMatch(/text\/html/);
    expect(missing.text).toContain('<html lang="sv"');
    expect(missing.text).toContain('<h1 class="ds-heading">Sidan finns inte</h1>');
    const api = await t.http().get('/api/no-such-thing').expect(404);
    expect(api.headers['content-type']).toMatch(/application\/json/);
    expect((api.body as { code: string }).code).toBe('not_found');
  });

  it('has a Swedish 403 page with the request id', async () => {
    const { WebViews } = await import('../src/web/web-views.js');
    const html = t.app
      .get(WebViews)
      .renderError({ path: '/admin/users' } as never, 403, 'forbidden', 'req-123');
    expect(html).toContain('<html lang="sv"');
    expect(html).toContain('<h1 class="ds-heading">Du har inte behörighet</h1>');
    expect(html).toContain('id req-123');
    const failed = t.app
      .get(WebViews)
      .renderError({ path: '/cases' } as never, 500, 'internal_error', 'req-456');
    expect(failed).toContain('<h1 class="ds-heading">Något gick fel</h1>');
    expect(failed).toContain('id req-456');
  });

  it('shows a flash message once, on the next page', async () => {
    const { WebSessionService, SESSION_COOKIE } = await import('../src/web/web-session.service.js');
    const sessionsService = t.app.get(WebSessionService);
    const [user] = await t.sql<{ token_version: number }>(
      'SELECT token_version FROM user WHERE id = ?',
      [registrarId],
    );
    const cookie = await sessionsService.create(registrarId, Number(user.token_version));
    const open = await sessionsService.touch(cookie);
    open!.session.flash = 'Ärendet är registrerat';
    await sessionsService.save(open!);
    const header = `${SESSION_COOKIE}=${cookie}`;
    const first = await t.http().get('/').set('Cookie', header).expect(200);
    expect(first.text).toContain(
      '<div class="ds-alert" data-color="success" role="status">Ärendet är registrerat</div>',
    );
    const second = await t.http().get('/').set('Cookie', header).expect(200);
    expect(second.text).not.toContain('Ärendet är registrerat');
  });

  it('serves the design system from the service with long caching', async () => {
    const start = await (await signIn()).agent.get('/').expect(200);
    for (const href of [...start.text.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map(
      (m) => m[1],
    )) {
      const css = await t.http().get(href).expect(200);
      expect(css.headers['content-type']).toMatch(/text\/css/);
      expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(css.text).not.toMatch(/@import|url\(https?:/);
    }
  });
});
