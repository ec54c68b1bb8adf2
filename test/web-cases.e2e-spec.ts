import type { Browser } from 'playwright-core';
import request from 'supertest';
import {
  describeInBrowser,
  elementsPastRightEdge,
  expectNoAxeViolations,
  launchBrowser,
  newPage,
  screenshot,
  scrollsSideways,
} from './helpers/browser.js';
import { pdf } from './helpers/files.js';
import {
  buildSecretCase,
  SECRET_PATTERN,
  SECRETS,
  type SecretCase,
} from './helpers/secret-case.js';
import { SmtpSink } from './helpers/smtp-sink.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import type { TestUser } from './helpers/factories.js';
import { signInPage } from './helpers/web-session.js';

type Agent = ReturnType<typeof request.agent>;

function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`No CSRF field in ${html.slice(0, 300)}`);
  return match[1];
}

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

/** The case numbers in the results table, in order. */
function caseNumbersIn(html: string): string[] {
  return [
    ...html.matchAll(/<th scope="row"><a class="ds-link" href="\/cases\/\d+">([^<]+)<\/a>/g),
  ].map((match) => match[1]);
}

describe('staff pages: Ärenden (/cases)', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let s: SecretCase;
  const agents = new Map<string, Agent>();

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({
      SMTP_URL: sink.url,
      LOGIN_RATE_LIMIT: '100',
      LOGIN_ADDRESS_RATE_LIMIT: '1000',
      LOGIN_ACCOUNT_RATE_LIMIT: '1000',
    });
    s = await buildSecretCase(t, sink);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  /** A signed-in browser-like agent for the user (kept, so each signs in once). */
  async function as(user: TestUser): Promise<Agent> {
    const known = agents.get(user.email);
    if (known) return known;
    const agent = request.agent(t.app.getHttpServer());
    const form = await agent.get('/login').expect(200);
    await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfOf(form.text), email: user.email, password: user.password })
      .expect(303);
    agents.set(user.email, agent);
    return agent;
  }

  async function csrfFor(agent: Agent): Promise<string> {
    return csrfOf((await agent.get('/cases').expect(200)).text);
  }

  async function count(table: string, where = '1=1', params: unknown[] = []): Promise<number> {
    const [row] = await t.sql<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`,
      params,
    );
    return Number(row.n);
  }

  describe('the register: list, search and paging', () => {
    beforeAll(async () => {
      // 60 more cases, so the register has more than one page of 50.
      for (let n = 1; n <= 60; n += 1) {
        await t
          .http()
          .post('/api/cases')
          .set('Authorization', s.registrar.auth)
          .send({
            title: n === 7 ? `Ärende ${n} om vattenskoterleder` : `Ärende ${n} om gatubelysning`,
            organisationId: n % 2 === 0 ? s.organisations.ks : s.organisations.sfn,
          })
          .expect(201);
      }
    });

    it('lists the newest first with number, title, status, organisation and date, and pages with Nästa and Föregående', async () => {
      const agent = await as(s.registrar);
      const first = await agent.get('/cases').expect(200);
      expect(first.text).toContain('<h1 class="ds-heading">Ärenden</h1>');
      expect(first.text).toContain('<th scope="col">Diarienummer</th>');
      const api = (await t.http().get('/api/cases?limit=50').set('Authorization', s.registrar.auth))
        .body as { items: { caseNumber: string }[]; nextCursor: string };
      expect(caseNumbersIn(first.text)).toEqual(api.items.map((item) => item.caseNumber));
      expect(first.text).toContain('Ärende 60 om gatubelysning');
      expect(first.text).toMatch(/<td>öppet<\/td>\s*<td>Kommunstyrelsen<\/td>/);
      expect(linkHref(first.text, 'Föregående')).toBeNull();

      const next = linkHref(first.text, 'Nästa');
      expect(next).toBe(`/cases?cursor=${api.nextCursor}&back=-`);
      const second = await agent.get(next!).expect(200);
      const apiSecond = (
        await t
          .http()
          .get(`/api/cases?limit=50&cursor=${api.nextCursor}`)
          .set('Authorization', s.registrar.auth)
      ).body as { items: { caseNumber: string }[] };
      expect(caseNumbersIn(second.text)).toEqual(apiSecond.items.map((item) => item.caseNumber));
      expect(linkHref(second.text, 'Nästa')).toBeNull();
      const back = await agent.get(linkHref(second.text, 'Föregående')!).expect(200);
      expect(caseNumbersIn(back.text)).toEqual(caseNumbersIn(first.text));
    });

    it('searches with q and filters by status and organisation as the API does', async () => {
      const agent = await as(s.registrar);
      const found = await agent.get('/cases?q=vattenskoterleder').expect(200);
      expect(caseNumbersIn(found.text)).toHaveLength(1);
      expect(found.text).toContain('Ärende 7 om vattenskoterleder');
      expect(found.text).toContain('value="vattenskoterleder"');

      const sfn = await agent.get(`/cases?organisationId=${s.organisations.sfn}`).expect(200);
      const apiSfn = (
        await t
          .http()
          .get(`/api/cases?organisationId=${s.organisations.sfn}`)
          .set('Authorization', s.registrar.auth)
      ).body as { items: { caseNumber: string }[] };
      expect(caseNumbersIn(sfn.text)).toEqual(apiSfn.items.map((item) => item.caseNumber));
      expect(sfn.text).toContain(`<option value="${s.organisations.sfn}" selected>`);

      const closed = await agent.get('/cases?status=closed').expect(200);
      expect(caseNumbersIn(closed.text)).toEqual([]);
      expect(closed.text).toContain('Inga ärenden hittades.');

      const refused = await agent.get('/cases?status=bortkastat').expect(400);
      expect(refused.text).toContain('Det finns fel i formuläret');
      expect(refused.text).toContain('href="#status"');
    });

    it('hides a confidential title from a reader, in the list and in search', async () => {
      const reader = await as(s.reader);
      const list = await reader.get(`/cases?organisationId=${s.organisations.ks}`).expect(200);
      expect(list.text).toContain(s.caseNumber);
      expect(list.text).toContain('Sekretessbelagt ärende');
      expect(list.text).not.toMatch(SECRET_PATTERN);
      const search = await reader.get('/cases?q=Skyddade').expect(200);
      expect(caseNumbersIn(search.text)).toEqual([]);
      const registrar = await as(s.registrar);
      const theirs = await registrar.get('/cases?q=Skyddade').expect(200);
      expect(caseNumbersIn(theirs.text)).toEqual([s.caseNumber]);
      expect(theirs.text).toContain(SECRETS.caseTitle);
    });
  });

  describe('registering a case', () => {
    it('offers the organisations with a number series and registers through the service', async () => {
      const agent = await as(s.registrar);
      const form = await agent.get('/cases/new').expect(200);
      expect(form.text).toContain(
        `<option value="${s.organisations.ks}">Kommunstyrelsen (KS)</option>`,
      );
      expect(form.text).not.toContain(`<option value="${s.organisations.bun}"`);
      const before = await count('case_record');
      const posted = await agent
        .post('/cases/new')
        .type('form')
        .send({
          _csrf: csrfOf(form.text),
          title: 'Medborgarförslag om parkbänkar',
          organisationId: String(s.organisations.ks),
          description: 'Fler bänkar i Stadsparken.',
          classification: '1.4.2',
        })
        .expect(303);
      const [row] = await t.sql<{ id: number; case_number: string; title: string }>(
        'SELECT id, case_number, title FROM case_record ORDER BY id DESC LIMIT 1',
      );
      expect(await count('case_record')).toBe(before + 1);
      expect(row.title).toBe('Medborgarförslag om parkbänkar');
      expect(posted.headers.location).toBe(`/cases/${row.id}`);
      const page = await agent.get(posted.headers.location).expect(200);
      expect(page.text).toContain(`Ärendet ${row.case_number} registrerades`);
      expect(page.text).toContain('<dd>1.4.2</dd>');
      // Shown once.
      expect((await agent.get(`/cases/${row.id}`).expect(200)).text).not.toContain(
        'registrerades</div>',
      );
    });

    it('refuses a case without a title: error summary, typed values kept, nothing written', async () => {
      const agent = await as(s.registrar);
      const before = await count('case_record');
      const refused = await agent
        .post('/cases/new')
        .type('form')
        .send({
          _csrf: await csrfFor(agent),
          title: '   ',
          organisationId: String(s.organisations.sfn),
          description: 'Beskrivning som ska finnas kvar',
          confidential: 'true',
        })
        .expect(400);
      expect(refused.text).toContain('Det finns fel i formuläret');
      expect(refused.text).toContain('<a class="ds-link" href="#title">Fyll i rubrik</a>');
      expect(refused.text).toContain('Beskrivning som ska finnas kvar</textarea>');
      expect(refused.text).toContain(`<option value="${s.organisations.sfn}" selected>`);
      expect(refused.text).toMatch(/name="confidential" value="true" checked/);
      expect(await count('case_record')).toBe(before);
    });

    it('refuses an organisation without a number series on its field', async () => {
      const agent = await as(s.registrar);
      const before = await count('case_record');
      const refused = await agent
        .post('/cases/new')
        .type('form')
        .send({
          _csrf: await csrfFor(agent),
          title: 'Utan serie',
          organisationId: String(s.organisations.bun),
        })
        .expect(400);
      expect(refused.text).toContain('href="#organisationId"');
      expect(refused.text).toContain('value="Utan serie"');
      expect(await count('case_record')).toBe(before);
    });

    it('is the registrar’s and admin’s: a clerk and a reader get the 403 page', async () => {
      for (const user of [s.clerk, s.reader]) {
        const agent = await as(user);
        const page = await agent.get('/cases/new').expect(403);
        expect(page.text).toContain('Du har inte behörighet');
        const before = await count('case_record');
        await agent
          .post('/cases/new')
          .type('form')
          .send({
            _csrf: await csrfFor(agent),
            title: 'Får inte',
            organisationId: String(s.organisations.ks),
          })
          .expect(403);
        expect(await count('case_record')).toBe(before);
      }
    });
  });

  describe('one case', () => {
    it('shows the registrar everything: documents, rounds, paragraphs, related cases', async () => {
      const agent = await as(s.registrar);
      const page = await agent.get(`/cases/${s.caseId}`).expect(200);
      for (const text of [
        SECRETS.caseTitle,
        SECRETS.documentTitle,
        SECRETS.documentCounterpart,
        SECRETS.roundTitle,
        SECRETS.itemTitle,
      ]) {
        expect(page.text).toContain(text);
      }
      expect(page.text).toContain(`<h1 class="ds-heading">Ärende ${s.caseNumber}</h1>`);
      expect(page.text).toContain('<td>inkommande</td>');
      expect(page.text).toContain(`href="/cases/${s.caseId}/documents/${s.documentId}/content"`);
      expect(page.text).toContain(`href="/rounds/${s.roundId}"`);
      expect(page.text).toContain(`href="/cases/${s.caseId}/rounds/new">Ny remiss</a>`);
      expect(page.text).toMatch(/<th scope="row">§ \d+<\/th>\s*<td>Kommunstyrelsen<\/td>/);
      // Related both ways: the consultee's own case here, and the sender's case there.
      expect(page.text).toContain(`href="/cases/${s.consulteeCaseId}"`);
      const consultee = await agent.get(`/cases/${s.consulteeCaseId}`).expect(200);
      expect(consultee.text).toContain(
        `href="/cases/${s.caseId}">${s.caseNumber}</a> – Avsändarens ärende`,
      );
      // The case's own history, as GET /api/cases/:id/history gives it to the registrar.
      expect(page.text).toContain('id="historik"');
    });

    it('shows a reader and another organisation’s clerk what the API shows them, no secret', async () => {
      for (const user of [s.reader, s.otherClerk]) {
        const agent = await as(user);
        const page = await agent.get(`/cases/${s.caseId}`).expect(200);
        expect(page.text).not.toMatch(SECRET_PATTERN);
        expect(page.text).toContain('Sekretessbelagt ärende');
        expect(page.text).toContain('Sekretessbelagd handling');
        expect(page.text).toContain('Sekretessbelagd remiss');
        expect(page.text).toContain('Sekretessbelagd paragraf');
        expect(page.text).not.toContain(`/documents/${s.documentId}/content`);
        const api = (await t.http().get(`/api/cases/${s.caseId}`).set('Authorization', user.auth))
          .body as { title: string | null; redacted: boolean };
        expect(api).toMatchObject({ title: null, redacted: true });
        // A marked document on an open case is withheld too.
        const open = await agent.get(`/cases/${s.openCaseId}`).expect(200);
        expect(open.text).not.toMatch(SECRET_PATTERN);
        expect(open.text).toContain('Förslag till taxor');
      }
    });

    it('shows the registrar the same history as GET /api/cases/:id/history, secrets included', async () => {
      const agent = await as(s.registrar);
      const page = await agent.get(`/cases/${s.caseId}`).expect(200);
      const history = /id="historik"[\s\S]*?<\/table>/.exec(page.text)?.[0] ?? '';
      const api = (
        await t
          .http()
          .get(`/api/cases/${s.caseId}/history`)
          .set('Authorization', s.registrar.auth)
          .expect(200)
      ).body as { items: { entity: string; action: string; redacted: boolean }[] };
      expect(api.items.map((item) => item.entity)).toEqual(
        expect.arrayContaining(['case', 'document']),
      );
      expect(api.items.every((item) => !item.redacted)).toBe(true);
      expect([...history.matchAll(/<tr>\s*<td/g)].length).toBe(api.items.length);
      expect(history).toContain('Ärendet registrerades');
      expect(history).toContain('Handlingen registrerades');
      // The whole audit log stays with admins and auditors.
      await t.http().get('/api/audit').set('Authorization', s.registrar.auth).expect(403);
      // A reader gets the same rows with the confidential contents withheld.
      const read = (
        await t
          .http()
          .get(`/api/cases/${s.caseId}/history`)
          .set('Authorization', s.reader.auth)
          .expect(200)
      ).body as { items: { redacted: boolean }[] };
      expect(read.items).toHaveLength(api.items.length);
      expect(read.items.every((item) => item.redacted)).toBe(true);
      expect(JSON.stringify(read)).not.toMatch(SECRET_PATTERN);
    });

    it('shows the reader the history from the audit log, redacted', async () => {
      const agent = await as(s.reader);
      const page = await agent.get(`/cases/${s.caseId}`).expect(200);
      const history = /id="historik"[\s\S]*?<\/table>/.exec(page.text)?.[0] ?? '';
      expect(history).toContain('Ärendet registrerades');
      expect(history).toContain('Handlingen registrerades');
      expect(history).toContain(s.registrar.email);
      expect(history).not.toMatch(SECRET_PATTERN);
      const rows = [...history.matchAll(/<tr>\s*<td/g)].length;
      const api = (
        await t
          .http()
          .get(`/api/audit?entity=case&entityId=${s.caseId}`)
          .set('Authorization', s.reader.auth)
      ).body as { items: unknown[] };
      expect(rows).toBeGreaterThanOrEqual(api.items.length + 1);
    });

    it('answers 404 for an unknown case and 403 for a respondent', async () => {
      const agent = await as(s.registrar);
      const missing = await agent.get('/cases/99999999').expect(404);
      expect(missing.text).toContain('Sidan finns inte');
      const respondent = await as(s.consultee);
      const refused = await respondent.get(`/cases/${s.caseId}`).expect(403);
      expect(refused.text).toContain('Du har inte behörighet');
      expect(refused.text).not.toMatch(SECRET_PATTERN);
      await respondent.get('/cases').expect(403);
    });
  });

  describe('documents', () => {
    it('downloads the same bytes and headers as the API, and refuses a secret one to a reader', async () => {
      const agent = await as(s.registrar);
      const page = await agent
        .get(`/cases/${s.caseId}/documents/${s.documentId}/content`)
        .buffer(true)
        .parse((response, done) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      const api = await t
        .http()
        .get(`/api/documents/${s.documentId}/content`)
        .set('Authorization', s.registrar.auth)
        .buffer(true)
        .parse((response, done) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect((page.body as Buffer).equals(api.body as Buffer)).toBe(true);
      for (const header of ['content-type', 'content-length', 'content-disposition']) {
        expect(page.headers[header]).toBe(api.headers[header]);
      }
      expect(page.headers['content-disposition']).toContain(SECRETS.documentFile);

      const reader = await as(s.reader);
      const refused = await reader
        .get(`/cases/${s.caseId}/documents/${s.documentId}/content`)
        .expect(403);
      expect(refused.text).not.toMatch(SECRET_PATTERN);
      // A document of another case is not found under this one.
      await agent.get(`/cases/${s.openCaseId}/documents/${s.documentId}/content`).expect(404);
    });

    it('registers a new document through the multipart form', async () => {
      const agent = await as(s.clerk);
      const csrf = await csrfFor(agent);
      const before = await count('document', 'case_id = ?', [s.openCaseId]);
      const posted = await agent
        .post(`/cases/${s.openCaseId}/documents?_csrf=${encodeURIComponent(csrf)}`)
        .field('title', 'Yttrande från Länsstyrelsen')
        .field('direction', 'incoming')
        .field('counterpart', 'Länsstyrelsen i Kalmar län')
        .attach('file', pdf('Yttrande'), { filename: 'yttrande-länsstyrelsen.pdf' })
        .expect(303);
      expect(posted.headers.location).toBe(`/cases/${s.openCaseId}#handlingar`);
      expect(await count('document', 'case_id = ?', [s.openCaseId])).toBe(before + 1);
      const page = await agent.get(`/cases/${s.openCaseId}`).expect(200);
      expect(page.text).toMatch(/Handlingen [A-Z]+ \d{4}\/\d{4}-\d+ registrerades/);
      expect(page.text).toContain('Yttrande från Länsstyrelsen');
      expect(page.text).toContain('Länsstyrelsen i Kalmar län');
    });

    it('refuses a document without a title or a file: summary, values kept, nothing written', async () => {
      const agent = await as(s.registrar);
      const csrf = await csrfFor(agent);
      const before = await count('document');
      const noTitle = await agent
        .post(`/cases/${s.openCaseId}/documents?_csrf=${encodeURIComponent(csrf)}`)
        .field('title', '')
        .field('direction', 'outgoing')
        .field('counterpart', 'Trafikverket Region Syd')
        .field('date', '2026-13-45')
        .attach('file', pdf('Utan rubrik'), { filename: 'utan-rubrik.pdf' })
        .expect(400);
      expect(noTitle.text).toContain('Det finns fel i formuläret');
      expect(noTitle.text).toContain('href="#title"');
      expect(noTitle.text).toContain('href="#date"');
      expect(noTitle.text).toContain('value="Trafikverket Region Syd"');
      expect(noTitle.text).toContain('value="2026-13-45"');
      expect(noTitle.text).toMatch(/name="direction" value="outgoing" checked/);
      const noFile = await agent
        .post(`/cases/${s.openCaseId}/documents?_csrf=${encodeURIComponent(csrf)}`)
        .field('title', 'Rubrik utan fil')
        .field('direction', 'incoming')
        .expect(400);
      expect(noFile.text).toContain('href="#file"');
      expect(noFile.text).toContain('value="Rubrik utan fil"');
      expect(await count('document')).toBe(before);
    });

    it('refuses an upload without the CSRF token, and a reader’s upload', async () => {
      const agent = await as(s.registrar);
      const before = await count('document');
      await agent
        .post(`/cases/${s.openCaseId}/documents`)
        .field('title', 'Utan token')
        .field('direction', 'incoming')
        .attach('file', pdf('x'), { filename: 'x.pdf' })
        .expect(403);
      const reader = await as(s.reader);
      const csrf = await csrfFor(reader);
      await reader
        .post(`/cases/${s.openCaseId}/documents?_csrf=${encodeURIComponent(csrf)}`)
        .field('title', 'Läsaren')
        .field('direction', 'incoming')
        .attach('file', pdf('x'), { filename: 'x.pdf' })
        .expect(403);
      expect(await count('document')).toBe(before);
      const page = await reader.get(`/cases/${s.openCaseId}`).expect(200);
      expect(page.text).not.toContain('Registrera handling');
    });
  });

  describe('closing and reopening', () => {
    it('needs a reason, then closes and reopens', async () => {
      const agent = await as(s.registrar);
      const csrf = await csrfFor(agent);
      const refused = await agent
        .post(`/cases/${s.openCaseId}/close`)
        .type('form')
        .send({ _csrf: csrf, reason: '' })
        .expect(400);
      expect(refused.text).toContain('href="#reason"');
      expect(
        (
          await t.sql<{ status: string }>('SELECT status FROM case_record WHERE id = ?', [
            s.openCaseId,
          ])
        )[0].status,
      ).toBe('open');
      await agent
        .post(`/cases/${s.openCaseId}/close`)
        .type('form')
        .send({ _csrf: csrf, reason: 'Beslut fattat i KS § 42' })
        .expect(303);
      const closed = await agent.get(`/cases/${s.openCaseId}`).expect(200);
      expect(closed.text).toContain('avslutades');
      expect(closed.text).toContain('Beslut fattat i KS § 42');
      expect(closed.text).toContain('Återuppta ärendet');
      expect(closed.text).not.toContain('>Ny remiss</a>');
      await agent
        .post(`/cases/${s.openCaseId}/reopen`)
        .type('form')
        .send({ _csrf: csrf, reason: 'Nytt underlag' })
        .expect(303);
      expect(
        (
          await t.sql<{ status: string }>('SELECT status FROM case_record WHERE id = ?', [
            s.openCaseId,
          ])
        )[0].status,
      ).toBe('open');
    });
  });

  describeInBrowser('in Chromium', () => {
    let browser: Browser;
    let base: string;

    beforeAll(async () => {
      browser = await launchBrowser();
      base = await t.listen();
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('passes axe on the register, a case, the new-case form and a refused form, at 1280 and 320 px', async () => {
      const page = await newPage(browser);
      await signInPage(page, base, s.registrar.email, s.registrar.password);
      const visits: [string, string][] = [
        ['/cases', 'cases-list'],
        ['/cases?q=gatubelysning', 'cases-search'],
        [`/cases/${s.caseId}`, 'case-registrar'],
        ['/cases/new', 'case-new'],
      ];
      for (const [path, name] of visits) {
        await page.goto(`${base}${path}`);
        await expectNoAxeViolations(page, path);
        await screenshot(page, name);
        await page.setViewportSize({ width: 320, height: 640 });
        expect(
          (await scrollsSideways(page)) ? [path, ...(await elementsPastRightEdge(page))] : [],
        ).toEqual([]);
        await page.setViewportSize({ width: 1280, height: 800 });
      }
      // A refused form, through the page: the summary is shown and what was typed is kept.
      await page.goto(`${base}/cases/new`);
      await page.getByLabel('Beskrivning').fill('Kvar efter felet');
      await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: 'Registrera ärendet' }).click(),
      ]);
      const alert = await page.getByRole('alert').textContent();
      expect(alert).toContain('Fyll i rubrik');
      expect(alert).toContain('Välj organisation');
      expect(await page.getByLabel('Beskrivning').inputValue()).toBe('Kvar efter felet');
      await expectNoAxeViolations(page, 'refused case form');
      await screenshot(page, 'case-new-refused');

      // The document form is folded away until opened; refused, it comes back open.
      await page.goto(`${base}/cases/${s.openCaseId}`);
      await page.getByText('Registrera handling', { exact: true }).click();
      await page.getByLabel('Rubrik', { exact: true }).fill('Yttrande utan fil');
      await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: 'Registrera handlingen' }).click(),
      ]);
      expect(await page.getByRole('alert').textContent()).toContain('Välj fil');
      expect(await page.getByLabel('Rubrik', { exact: true }).inputValue()).toBe(
        'Yttrande utan fil',
      );
      await expectNoAxeViolations(page, 'refused document form');
      await screenshot(page, 'case-document-refused');
      await page.close();

      const reader = await newPage(browser);
      await signInPage(reader, base, s.reader.email, s.reader.password);
      await reader.goto(`${base}/cases/${s.caseId}`);
      await expectNoAxeViolations(reader, 'case as reader');
      expect(await reader.content()).not.toMatch(SECRET_PATTERN);
      await screenshot(reader, 'case-reader');
      await reader.close();
    }, 120_000);
  });
});
