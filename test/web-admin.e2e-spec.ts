import { adminAuth, createOrganisation, createUser, type TestUser } from './helpers/factories.js';
import { stockholmDay } from './helpers/test-clock.js';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app.js';
import { csrfOf, pageText, signInAgent, type Agent } from './helpers/web-agent.js';

/** Undoes Handlebars' escaping of attribute values (`&amp;`, `&#x3D;`). */
function unescape(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** The href of the link whose visible text is exactly `text`, or null. */
function linkHref(html: string, text: string): string | null {
  for (const [, attributes, content] of html.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/g)) {
    if (content.trim() !== text) continue;
    const href = /href="([^"]*)"/.exec(attributes)?.[1];
    if (href !== undefined) return unescape(href);
  }
  return null;
}

/** The error summary's messages, in order. */
function summaryOf(html: string): string[] {
  const summary = /<div class="ds-error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a class="ds-link" href="(#[^"]+)">([^<]+)<\/a>/g)].map(
    ([, href, text]) => `${href} ${unescape(text)}`,
  );
}

/** The audit rows on /admin/audit as "action-text · subject". */
function auditRowsOf(html: string): string[] {
  return [
    ...html.matchAll(
      /<td data-label="Händelse">([^<]*)<\/td>\s*<td data-label="Gäller">(?:<a[^>]*>)?([^<]*)/g,
    ),
  ].map(([, what, subject]) => `${unescape(what)} · ${subject}`);
}

describe('staff pages: Administration (/admin/…)', () => {
  let t: TestApp;
  let auth: string;
  let admin: Agent;
  let adminId: number;
  let registrar: TestUser;
  let reader: TestUser;
  let council: { id: number };
  let committee: { id: number };

  beforeAll(async () => {
    t = await startTestApp({
      LOGIN_RATE_LIMIT: '100',
      LOGIN_ADDRESS_RATE_LIMIT: '1000',
      LOGIN_ACCOUNT_RATE_LIMIT: '1000',
    });
    auth = await adminAuth(t);
    council = await createOrganisation(t, auth, {
      name: 'Kommunstyrelsen',
      kind: 'council',
      seriesCode: 'KS',
      email: 'ks@kalmar.test',
    });
    committee = await createOrganisation(t, auth, {
      name: 'Arbetsutskottet',
      kind: 'committee',
      parentId: council.id,
    });
    registrar = await createUser(t, auth, ['registrar'], [council.id]);
    reader = await createUser(t, auth, ['reader']);
    admin = await signInAgent(t, ADMIN.email, ADMIN.password);
    [{ id: adminId }] = await t.sql<{ id: number }>('SELECT id FROM user WHERE email = ?', [
      ADMIN.email,
    ]);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  async function csrf(agent: Agent, path = '/admin/organisations'): Promise<string> {
    return csrfOf((await agent.get(path).expect(200)).text);
  }

  async function count(table: string): Promise<number> {
    const [row] = await t.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`);
    return Number(row.n);
  }

  describe('organisations', () => {
    it('shows the directory as a tree: children nested under their parent, with kind, series, mailbox and state', async () => {
      const page = await admin.get('/admin/organisations').expect(200);
      expect(page.text).toContain('<h1 class="ds-heading">Organisationer</h1>');
      expect(page.text).toMatch(
        /<nav class="remiss-subnav" aria-label="Administration">[\s\S]*?href="\/admin\/organisations" aria-current="page">Organisationer<\/a>[\s\S]*?href="\/admin\/users">Användare[\s\S]*?href="\/admin\/audit">Logg/,
      );
      // Arbetsutskottet sits in a list inside Kommunstyrelsen's item.
      const ks = new RegExp(
        `<li>\\s*<div class="remiss-tree-item">\\s*<a class="ds-link" href="/admin/organisations/${council.id}">Kommunstyrelsen</a>[\\s\\S]*?</div>\\s*<ul class="remiss-tree"><li>\\s*<div class="remiss-tree-item">\\s*<a class="ds-link" href="/admin/organisations/${committee.id}">Arbetsutskottet</a>`,
      );
      expect(page.text).toMatch(ks);
      const text = pageText(page.text);
      expect(text).toContain(
        'Kommunstyrelsen Aktiv Fullmäktige eller styrelse · diarieserie KS · ks@kalmar.test',
      );
      expect(text).toContain('Arbetsutskottet Aktiv Nämnd eller utskott');
    });

    it('refuses a form without a name, with a bad mailbox and series: error summary, typed values kept, nothing written', async () => {
      const organisations = await count('organisation');
      const events = await count('audit_event');
      const refused = await admin
        .post('/admin/organisations/new')
        .type('form')
        .send({
          _csrf: await csrf(admin),
          name: '',
          kind: 'committee',
          seriesCode: 'ks1',
          email: 'inte-en-adress',
          parentId: String(council.id),
          paragraphNumbering: 'yearly',
        })
        .expect(400);
      expect(refused.text).toContain('Det finns fel i formuläret');
      expect(summaryOf(refused.text)).toEqual([
        '#name Fyll i namn',
        '#seriesCode Skriv diarieserien med 1–10 versaler, till exempel KS eller SFN',
        '#email Skriv funktionsbrevlåda som en e-postadress, till exempel namn@exempel.se',
      ]);
      expect(refused.text).toContain('value="ks1"');
      expect(refused.text).toContain('value="inte-en-adress"');
      expect(refused.text).toContain(`<option value="${council.id}" selected>`);
      expect(refused.text).toContain('<option value="committee" selected>');
      // The box was not ticked, so it stays unticked.
      expect(refused.text).not.toMatch(/name="active" value="true" checked/);
      expect(await count('organisation')).toBe(organisations);
      expect(await count('audit_event')).toBe(events);
    });

    it('refuses a name that is taken with the Swedish message on the name field', async () => {
      const refused = await admin
        .post('/admin/organisations/new')
        .type('form')
        .send({ _csrf: await csrf(admin), name: 'Kommunstyrelsen', kind: 'council' })
        .expect(400);
      expect(summaryOf(refused.text)).toEqual([
        '#name Det finns redan en organisation med det namnet',
      ]);
    });

    it('creates an organisation under another, inactive when the box is not ticked', async () => {
      const created = await admin
        .post('/admin/organisations/new')
        .type('form')
        .send({
          _csrf: await csrf(admin),
          name: 'Valnämnden',
          kind: 'committee',
          seriesCode: 'VN',
          email: 'Valnamnden@Kalmar.test',
          parentId: String(council.id),
          paragraphNumbering: 'continuous',
        })
        .expect(303);
      expect(created.headers.location).toBe('/admin/organisations');
      const [row] = await t.sql<Record<string, unknown>>(
        'SELECT kind, series_code, email, parent_id, active, paragraph_numbering FROM organisation WHERE name = ?',
        ['Valnämnden'],
      );
      expect(row).toEqual({
        kind: 'committee',
        series_code: 'VN',
        email: 'valnamnden@kalmar.test',
        parent_id: council.id,
        active: 0,
        paragraph_numbering: 'continuous',
      });
      const tree = await admin.get('/admin/organisations').expect(200);
      expect(pageText(tree.text)).toContain('Organisationen Valnämnden skapades');
      expect(pageText(tree.text)).toContain(
        'Valnämnden Inaktiv Nämnd eller utskott · diarieserie VN',
      );
    });

    it('edits an organisation: moves it, clears its mailbox; refuses putting it under its own child', async () => {
      const child = await createOrganisation(t, auth, {
        name: 'Kulturnämnden',
        kind: 'committee',
        email: 'kultur@kalmar.test',
      });
      const grandchild = await createOrganisation(t, auth, {
        name: 'Kulturutskottet',
        kind: 'committee',
        parentId: child.id,
      });
      const form = await admin.get(`/admin/organisations/${child.id}`).expect(200);
      expect(form.text).toContain('<h1 class="ds-heading">Ändra Kulturnämnden</h1>');
      expect(form.text).toContain('value="kultur@kalmar.test"');
      expect(linkHref(form.text, 'Visa organisationens ändringar i loggen')).toBe(
        `/admin/audit?entity=organisation&entityId=${child.id}`,
      );
      // Neither itself nor what lies under it is offered as its parent.
      expect(form.text).not.toContain(`<option value="${child.id}"`);
      expect(form.text).not.toContain(`<option value="${grandchild.id}"`);

      const events = await count('audit_event');
      const refused = await admin
        .post(`/admin/organisations/${child.id}`)
        .type('form')
        .send({
          _csrf: csrfOf(form.text),
          version: String(child.version),
          name: 'Kulturnämnden',
          kind: 'committee',
          parentId: String(grandchild.id),
          active: 'true',
        })
        .expect(400);
      expect(summaryOf(refused.text)).toEqual([
        '#parentId Organisationen kan inte ligga under sig själv eller en av sina underorganisationer',
      ]);
      expect(await count('audit_event')).toBe(events);

      await admin
        .post(`/admin/organisations/${child.id}`)
        .type('form')
        .send({
          _csrf: csrfOf(form.text),
          version: String(child.version),
          name: 'Kultur- och fritidsnämnden',
          kind: 'committee',
          email: '',
          parentId: String(council.id),
          paragraphNumbering: 'yearly',
          active: 'true',
        })
        .expect(303);
      const api = await t.http().get(`/api/organisations/${child.id}`).set('Authorization', auth);
      expect(api.body).toMatchObject({
        name: 'Kultur- och fritidsnämnden',
        email: null,
        parentId: council.id,
        active: true,
        version: child.version + 1,
      });

      // The same old form again: someone else's change is not overwritten.
      const stale = await admin
        .post(`/admin/organisations/${child.id}`)
        .type('form')
        .send({
          _csrf: csrfOf(form.text),
          version: String(child.version),
          name: 'Gammalt namn',
          kind: 'committee',
          active: 'true',
        })
        .expect(400);
      expect(summaryOf(stale.text)).toEqual([
        '#name Någon annan har ändrat organisationen sedan du öppnade sidan. Kontrollera uppgifterna och spara igen.',
      ]);
      expect(stale.text).toContain(`name="version" value="${child.version + 1}"`);
      expect(stale.text).toContain('value="Gammalt namn"');
    });
  });

  describe('users', () => {
    it('lists users with roles, organisations and state, filtered by role', async () => {
      const page = await admin.get('/admin/users').expect(200);
      const text = pageText(page.text);
      expect(text).toContain(
        `Test registrar ${registrar.email} Registrator Kommunstyrelsen Lösenord Aktiv`,
      );
      expect(text).toContain(`Test reader ${reader.email} Läsare Inga Lösenord Aktiv`);
      expect(text).toContain(`Systemförvaltare ${ADMIN.email} Administratör Inga Lösenord Aktiv`);
      const readers = pageText((await admin.get('/admin/users?role=reader').expect(200)).text);
      expect(readers).toContain(reader.email);
      expect(readers).not.toContain(registrar.email);
    });

    it('refuses a user without e-mail and with a short password: summary, typed values kept except the password, nothing written', async () => {
      const users = await count('user');
      const refused = await admin
        .post('/admin/users/new')
        .type('form')
        .send({
          _csrf: await csrf(admin),
          name: 'Nils Nilsson',
          email: '',
          password: 'kort',
          roles: ['respondent'],
          organisationIds: [String(committee.id)],
        })
        .expect(400);
      expect(summaryOf(refused.text)).toEqual([
        '#email Fyll i e-postadress',
        '#password Lösenord måste vara minst 12 tecken',
      ]);
      expect(refused.text).toContain('value="Nils Nilsson"');
      expect(refused.text).not.toContain('value="kort"');
      expect(refused.text).toMatch(/name="roles" value="respondent" checked/);
      expect(refused.text).toMatch(
        new RegExp(`name="organisationIds" value="${committee.id}" checked`),
      );
      expect(await count('user')).toBe(users);
    });

    it('creates a user, changes roles and organisations, and gives a new password that ends the user’s sessions', async () => {
      const created = await admin
        .post('/admin/users/new')
        .type('form')
        .send({
          _csrf: await csrf(admin),
          name: 'Nils Nilsson',
          email: 'nils@kalmar.test',
          password: 'ett-langt-losenord',
          roles: 'respondent',
          organisationIds: String(committee.id),
        })
        .expect(303);
      const id = Number(/^\/admin\/users\/(\d+)$/.exec(created.headers.location)?.[1]);
      const nils = await signInAgent(t, 'nils@kalmar.test', 'ett-langt-losenord');
      await nils.get('/').expect(200);

      const page = await admin.get(`/admin/users/${id}`).expect(200);
      expect(pageText(page.text)).toContain('Användaren Nils Nilsson skapades');
      expect(linkHref(page.text, 'Visa vad användaren har gjort')).toBe(
        `/admin/audit?actorUserId=${id}`,
      );
      await admin
        .post(`/admin/users/${id}`)
        .type('form')
        .send({
          _csrf: csrfOf(page.text),
          name: 'Nils Nilsson',
          roles: ['respondent', 'reader'],
          organisationIds: [String(committee.id), String(council.id)],
        })
        .expect(303);
      const api = await t.http().get(`/api/users/${id}`).set('Authorization', auth).expect(200);
      expect(api.body).toMatchObject({
        roles: ['respondent', 'reader'],
        organisationIds: [council.id, committee.id].sort((a, b) => a - b),
        active: true,
      });

      await admin
        .post(`/admin/users/${id}/password`)
        .type('form')
        .send({ _csrf: csrfOf(page.text), password: 'ett-nytt-langt-losenord' })
        .expect(303);
      const ended = await nils.get('/').expect(303);
      expect(ended.headers.location).toBe('/login?next=%2F');
      await signInAgent(t, 'nils@kalmar.test', 'ett-nytt-langt-losenord');
    });

    it('deactivating a user ends their web session at once; reactivating does not bring it back', async () => {
      const user = await createUser(t, auth, ['respondent'], [committee.id]);
      const session = await signInAgent(t, user.email, user.password);
      await session.get('/').expect(200);
      const page = await admin.get(`/admin/users/${user.id}`).expect(200);
      await admin
        .post(`/admin/users/${user.id}/deactivate`)
        .type('form')
        .send({ _csrf: csrfOf(page.text) })
        .expect(303);
      expect((await session.get('/').expect(303)).headers.location).toBe('/login?next=%2F');
      const deactivated = pageText((await admin.get(`/admin/users/${user.id}`).expect(200)).text);
      expect(deactivated).toContain(
        'Test respondent inaktiverades; användarens inloggningar avslutades',
      );
      expect(deactivated).toContain('Status Inaktiv');

      await admin
        .post(`/admin/users/${user.id}/activate`)
        .type('form')
        .send({ _csrf: csrfOf(page.text) })
        .expect(303);
      expect((await session.get('/').expect(303)).headers.location).toBe('/login?next=%2F');
      await signInAgent(t, user.email, user.password);
    });

    it('the last active admin cannot deactivate themselves or drop the admin role: a Swedish message, nothing changed (409 in the API)', async () => {
      const page = await admin.get(`/admin/users/${adminId}`).expect(200);
      const events = await count('audit_event');
      const message =
        'Du är den enda aktiva administratören. Ge en annan användare rollen administratör innan du tar bort rollen eller inaktiverar kontot.';
      const deactivate = await admin
        .post(`/admin/users/${adminId}/deactivate`)
        .type('form')
        .send({ _csrf: csrfOf(page.text) })
        .expect(400);
      expect(summaryOf(deactivate.text)).toEqual([`#active ${message}`]);
      expect(deactivate.text).toContain('id="active">Inaktivera kontot</button>');

      const demote = await admin
        .post(`/admin/users/${adminId}`)
        .type('form')
        .send({ _csrf: csrfOf(page.text), name: 'Systemförvaltare', roles: ['registrar'] })
        .expect(400);
      expect(summaryOf(demote.text)).toEqual([`#roles ${message}`]);
      expect(demote.text).toMatch(/name="roles" value="registrar" checked/);

      const [row] = await t.sql<{ active: number; roles: string }>(
        'SELECT active, roles FROM user WHERE id = ?',
        [adminId],
      );
      expect(row).toEqual({ active: 1, roles: 'admin' });
      expect(await count('audit_event')).toBe(events);
      await admin.get('/admin/users').expect(200);
      const api = await t
        .http()
        .patch(`/api/users/${adminId}`)
        .set('Authorization', auth)
        .send({ active: false })
        .expect(409);
      expect(api.body.code).toBe('last_admin');
    });
  });

  describe('audit log', () => {
    it('filters by entity type and id, by actor and by day, as GET /api/audit does', async () => {
      const byEntity = await admin
        .get(`/admin/audit?entity=organisation&entityId=${council.id}`)
        .expect(200);
      expect(auditRowsOf(byEntity.text)).toEqual([
        `Organisationen skapades · Organisation ${council.id}`,
      ]);
      const byActor = await admin.get(`/admin/audit?actorUserId=${registrar.id}`).expect(200);
      expect(auditRowsOf(byActor.text)).toEqual([
        `Användaren loggade in · Användare ${registrar.id}`,
      ]);
      expect(byActor.text).toContain(`<option value="${registrar.id}" selected>`);

      const today = stockholmDay(0);
      const all = (await t.http().get('/api/audit?limit=200').set('Authorization', auth)).body as {
        items: unknown[];
      };
      const thatDay = await admin.get(`/admin/audit?from=${today}&to=${today}`).expect(200);
      expect(auditRowsOf(thatDay.text)).toHaveLength(Math.min(all.items.length, 50));
      const after = await admin.get(`/admin/audit?from=${stockholmDay(1)}`).expect(200);
      expect(auditRowsOf(after.text)).toEqual([]);
      expect(after.text).toContain('Inga händelser hittades.');
      const before = await admin.get(`/admin/audit?to=${stockholmDay(-1)}`).expect(200);
      expect(auditRowsOf(before.text)).toEqual([]);
      const apiBefore = await t
        .http()
        .get(`/api/audit?to=${stockholmDay(-1)}`)
        .set('Authorization', auth)
        .expect(200);
      expect(apiBefore.body.items).toEqual([]);
      const apiAfter = await t
        .http()
        .get(`/api/audit?from=${stockholmDay(1)}`)
        .set('Authorization', auth)
        .expect(200);
      expect(apiAfter.body.items).toEqual([]);
      await t.http().get('/api/audit?to=31-12-2026').set('Authorization', auth).expect(400);

      const refused = await admin.get('/admin/audit?from=2026-02-30').expect(400);
      expect(summaryOf(refused.text)).toEqual([
        '#from Skriv från och med som ett datum, till exempel 2026-12-02',
      ]);
    });

    it('pages with the API’s keyset cursor', async () => {
      for (let n = 1; n <= 50; n += 1) {
        await createOrganisation(t, auth, { name: `Förening ${n}`, kind: 'external' });
      }
      const api = (await t.http().get('/api/audit?limit=50').set('Authorization', auth)).body as {
        items: { entity: string; entityId: string }[];
        nextCursor: string;
      };
      const first = await admin.get('/admin/audit').expect(200);
      expect(auditRowsOf(first.text).map((row) => row.split(' · ')[1])).toEqual(
        api.items.map(
          (item) =>
            `${item.entity === 'user' ? 'Användare' : item.entity === 'case' ? 'Ärende' : 'Organisation'} ${item.entityId}`,
        ),
      );
      const next = linkHref(first.text, 'Nästa');
      expect(next).toBe(`/admin/audit?cursor=${api.nextCursor}&back=-`);
      const second = await admin.get(next!).expect(200);
      const apiSecond = (
        await t
          .http()
          .get(`/api/audit?limit=50&cursor=${api.nextCursor}`)
          .set('Authorization', auth)
      ).body as { items: { entityId: string }[] };
      expect(auditRowsOf(second.text)).toHaveLength(apiSecond.items.length);
      expect(linkHref(second.text, 'Föregående')).toBe('/admin/audit');
    });

    it('shows a confidential case’s entry exactly as the API shows it to an admin (admins read every secret)', async () => {
      const created = await t
        .http()
        .post('/api/cases')
        .set('Authorization', auth)
        .send({
          title: 'Hemlig upphandling av skyddat boende',
          organisationId: council.id,
          confidential: true,
        })
        .expect(201);
      const api = await t
        .http()
        .get(`/api/audit?entity=case&entityId=${created.body.id}`)
        .set('Authorization', auth)
        .expect(200);
      expect(api.body.items).toHaveLength(1);
      expect(api.body.items[0].redacted).toBe(false);
      const page = await admin
        .get(`/admin/audit?entity=case&entityId=${created.body.id}`)
        .expect(200);
      expect(page.text).toContain('Hemlig upphandling av skyddat boende');
      expect(page.text).not.toContain('Visas inte (sekretess)');
    });
  });

  describe('who may use the pages', () => {
    it('refuses registrars and readers with the 403 page, and writes nothing for them', async () => {
      for (const user of [registrar, reader]) {
        const agent = await signInAgent(t, user.email, user.password);
        for (const path of [
          '/admin/organisations',
          '/admin/organisations/new',
          `/admin/organisations/${council.id}`,
          '/admin/users',
          `/admin/users/${adminId}`,
          '/admin/audit',
        ]) {
          const page = await agent.get(path).expect(403);
          expect(page.text).toContain('Du har inte behörighet');
        }
        const token = csrfOf((await agent.get('/').expect(200)).text);
        const organisations = await count('organisation');
        await agent
          .post('/admin/organisations/new')
          .type('form')
          .send({ _csrf: token, name: 'Får inte', kind: 'committee', active: 'true' })
          .expect(403);
        await agent
          .post(`/admin/users/${adminId}/deactivate`)
          .type('form')
          .send({ _csrf: token })
          .expect(403);
        expect(await count('organisation')).toBe(organisations);
      }
    });

    it('sends a browser without a session to the sign-in page, and refuses a post without the CSRF token', async () => {
      const anonymous = await t.http().get('/admin/users').expect(303);
      expect(anonymous.headers.location).toBe('/login?next=%2Fadmin%2Fusers');
      const organisations = await count('organisation');
      await admin
        .post('/admin/organisations/new')
        .type('form')
        .send({ name: 'Utan token', kind: 'committee' })
        .expect(403);
      expect(await count('organisation')).toBe(organisations);
    });
  });
});
