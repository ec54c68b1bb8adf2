import { createHash } from 'node:crypto';
import type { Browser, Locator } from 'playwright-core';
import {
  describeInBrowser,
  journeyChecks,
  launchBrowser,
  newPage,
  pressTabUntil,
} from './helpers/browser.js';
import { binary } from './helpers/docx-text.js';
import { adminAuth, createOrganisation, createUser, type TestUser } from './helpers/factories.js';
import { unzip } from './helpers/archive-package.js';
import { waitFor } from './helpers/smtp-sink.js';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app.js';
import { csrfOf, pageText, signInAgent, type Agent } from './helpers/web-agent.js';
import { signInPage } from './helpers/web-session.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The error summary's messages, in order. */
function summaryOf(html: string): string[] {
  const summary = /<div class="ds-error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a class="ds-link" href="(#[^"]+)">([^<]+)<\/a>/g)].map(
    ([, href, text]) => `${href} ${text}`,
  );
}

describe('staff pages: Arkivleverans (/archive)', () => {
  let t: TestApp;
  let auth: string;
  let registrar: TestUser;
  let reader: TestUser;
  let agent: Agent;
  let admin: Agent;
  let ks: number;
  let plainCase: { id: number; caseNumber: string };
  let secretCase: { id: number; caseNumber: string };

  const exportRows = async () =>
    Number((await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM archive_export'))[0].n);
  const postForm = async (who: Agent, path: string, fields: Record<string, string>) => {
    const form = await who.get('/archive').expect(200);
    return who
      .post(path)
      .type('form')
      .send({ _csrf: csrfOf(form.text), ...fields });
  };
  const ready = async (id: number) =>
    waitFor(
      async () =>
        (await t.sql<{ status: string }>('SELECT status FROM archive_export WHERE id = ?', [id]))[0]
          .status,
      (status) => status === 'ready' || status === 'failed',
      60_000,
    );
  const closedCase = async (title: string, confidential: boolean) => {
    const created = await t
      .http()
      .post('/api/cases')
      .set('Authorization', registrar.auth)
      .send({ title, organisationId: ks, confidential });
    expect(created.status).toBe(201);
    const uploaded = await t
      .http()
      .post(`/api/cases/${created.body.id}/documents`)
      .set('Authorization', registrar.auth)
      .field('title', `Beslut i ärendet ${title}`)
      .field('direction', 'outgoing')
      .attach('file', Buffer.from(`%PDF-1.4\n% ${title}\n%%EOF\n`), {
        filename: 'beslut.pdf',
        contentType: 'application/pdf',
      });
    expect(uploaded.status).toBe(201);
    const closed = await t
      .http()
      .post(`/api/cases/${created.body.id}/close`)
      .set('Authorization', registrar.auth)
      .send({ reason: 'Beslut fattat.' });
    expect(closed.status).toBe(200);
    return { id: created.body.id as number, caseNumber: created.body.caseNumber as string };
  };

  beforeAll(async () => {
    t = await startTestApp({
      MUNICIPALITY_NAME: 'Kalmar kommun',
      LOGIN_RATE_LIMIT: '100',
      LOGIN_ADDRESS_RATE_LIMIT: '1000',
      LOGIN_ACCOUNT_RATE_LIMIT: '1000',
    });
    auth = await adminAuth(t);
    ks = (
      await createOrganisation(t, auth, {
        name: 'Kommunstyrelsen',
        kind: 'council',
        seriesCode: 'KS',
        email: 'ks@kalmar.test',
      })
    ).id;
    await createOrganisation(t, auth, {
      name: 'Servicenämnden',
      kind: 'committee',
      seriesCode: 'SFN',
      email: 'sfn@kalmar.test',
    });
    registrar = await createUser(t, auth, ['registrar'], [ks]);
    reader = await createUser(t, auth, ['reader']);
    agent = await signInAgent(t, registrar.email, registrar.password);
    admin = await signInAgent(t, ADMIN.email, ADMIN.password);
    plainCase = await closedCase('Översyn av arkivreglementet', false);
    secretCase = await closedCase('Utredning om skyddat boende', true);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('shows the form and no deliveries yet; only registrars and admins may come in', async () => {
    const page = await agent.get('/archive').expect(200);
    const text = pageText(page.text);
    expect(text).toContain('Arkivleverans');
    expect(text).toContain('Inga leveranser ännu.');
    expect(page.text).toContain('<option value="KS">KS – Kommunstyrelsen</option>');
    expect(page.text).toContain('<option value="SFN">SFN – Servicenämnden</option>');
    const readerAgent = await signInAgent(t, reader.email, reader.password);
    expect((await readerAgent.get('/archive')).status).toBe(403);
    // The register links here for those who may deliver.
    expect((await agent.get('/cases').expect(200)).text).toContain('href="/archive"');
  });

  it('refuses a form without a selection, a bad date or nothing to deliver, keeps what was typed and writes nothing', async () => {
    const none = await postForm(agent, '/archive', { series: '', closedFrom: '', closedTo: '' });
    expect(none.status).toBe(400);
    expect(summaryOf(none.text)).toEqual([
      '#series Välj en diarieserie eller när ärendena avslutades',
    ]);
    const badDate = await postForm(agent, '/archive', { series: 'KS', closedFrom: '2026-13-01' });
    expect(badDate.status).toBe(400);
    expect(summaryOf(badDate.text)).toHaveLength(1);
    expect(summaryOf(badDate.text)[0]).toMatch(/^#closedFrom /);
    expect(badDate.text).toContain('value="2026-13-01"');
    const nothing = await postForm(agent, '/archive', { series: 'SFN' });
    expect(nothing.status).toBe(409);
    expect(summaryOf(nothing.text)).toEqual(['#series Inga avslutade ärenden matchar urvalet']);
    // Without the CSRF token nothing happens.
    const forged = await agent.post('/archive').type('form').send({ series: 'KS' });
    expect(forged.status).toBe(403);
    expect(await exportRows()).toBe(0);
  });

  it('delivers a closed case from its page, shows the package and downloads it', async () => {
    const casePage = await agent.get(`/cases/${plainCase.id}`).expect(200);
    expect(casePage.text).toContain(`action="/archive/cases/${plainCase.id}"`);
    const posted = await agent
      .post(`/archive/cases/${plainCase.id}`)
      .type('form')
      .send({ _csrf: csrfOf(casePage.text) });
    expect(posted.status).toBe(303);
    const [{ id }] = await t.sql<{ id: number }>('SELECT id FROM archive_export');
    expect(posted.headers.location).toBe(`/archive/${id}`);
    expect(await ready(id)).toBe('ready');
    const shown = await agent.get(`/archive/${id}`).expect(200);
    const text = pageText(shown.text);
    expect(text).toContain(`Arkivpaket ${id} köades`);
    expect(text).toContain('Status Klar');
    expect(text).toContain('Ärenden 1');
    expect(shown.text).toContain(`href="/archive/${id}/package"`);
    const [row] = await t.sql<{ sha256: string; package_id: string }>(
      'SELECT sha256, package_id FROM archive_export WHERE id = ?',
      [id],
    );
    const downloaded = await agent.get(`/archive/${id}/package`).buffer(true).parse(binary);
    expect(downloaded.status).toBe(200);
    expect(sha256(downloaded.body as Buffer)).toBe(row.sha256);
    const files = await unzip(downloaded.body as Buffer);
    expect(files.has(`${row.package_id}/metadata/descriptive/erms.xml`)).toBe(true);
    // An open case offers no delivery.
    const list = await agent.get('/archive').expect(200);
    expect(pageText(list.text)).toContain(`Arkivpaket ${id}`);
  });

  it('keeps a confidential package from the registrar and gives it to an admin', async () => {
    const posted = await postForm(admin, `/archive/cases/${secretCase.id}`, {});
    expect(posted.status).toBe(303);
    const id = Number(/\/archive\/(\d+)$/.exec(posted.headers.location)?.[1]);
    expect(await ready(id)).toBe('ready');
    const registrarView = await agent.get(`/archive/${id}`).expect(200);
    expect(pageText(registrarView.text)).toContain('kan bara hämtas av en administratör');
    expect(registrarView.text).not.toContain(`href="/archive/${id}/package"`);
    expect(pageText((await agent.get('/archive').expect(200)).text)).toContain(
      'Bara administratörer',
    );
    expect((await agent.get(`/archive/${id}/package`)).status).toBe(403);
    const adminView = await admin.get(`/archive/${id}`).expect(200);
    expect(adminView.text).toContain(`href="/archive/${id}/package"`);
    const downloaded = await admin.get(`/archive/${id}/package`).buffer(true).parse(binary);
    expect(downloaded.status).toBe(200);
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

    it('delivers a series and a closed case with the keyboard alone; axe, screenshots and 320 px on every page', async () => {
      const check = journeyChecks('archive');
      const page = await newPage(browser);
      await signInPage(page, base, registrar.email, registrar.password);
      const submit = async (target: Locator, url: RegExp) => {
        await pressTabUntil(page, target);
        await Promise.all([page.waitForURL(url), page.keyboard.press('Enter')]);
      };
      const chooseSeries = async (letter: string) => {
        await pressTabUntil(page, page.getByLabel('Diarieserie'));
        await page.keyboard.press(letter);
      };

      await page.goto(`${base}/archive`);
      await check(page, 'deliveries');
      // A series without closed cases is refused, with the summary and the choice kept.
      await chooseSeries('S');
      await submit(page.getByRole('button', { name: 'Skapa arkivpaket' }), /\/archive$/);
      expect(await page.getByRole('alert').textContent()).toContain(
        'Inga avslutade ärenden matchar urvalet',
      );
      expect(await page.getByLabel('Diarieserie').inputValue()).toBe('SFN');
      await check(page, 'refused');

      await chooseSeries('K');
      await submit(page.getByRole('button', { name: 'Skapa arkivpaket' }), /\/archive\/\d+$/);
      const id = Number(/\/archive\/(\d+)$/.exec(page.url())?.[1]);
      expect(await ready(id)).toBe('ready');
      await page.reload();
      await check(page, 'package');
      // The series holds the confidential case: only an admin may take it home.
      expect(await page.getByRole('link', { name: 'Ladda ner arkivpaketet' }).count()).toBe(0);

      // From a closed case's page.
      await page.goto(`${base}/cases/${plainCase.id}`);
      await check(page, 'closed-case');
      await submit(
        page.getByRole('button', { name: 'Leverera ärendet till arkivet' }),
        /\/archive\/\d+$/,
      );
      const caseExport = Number(/\/archive\/(\d+)$/.exec(page.url())?.[1]);
      expect(await ready(caseExport)).toBe('ready');
      await page.reload();
      await check(page, 'case-package');
      await pressTabUntil(page, page.getByRole('link', { name: 'Ladda ner arkivpaketet' }));
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.keyboard.press('Enter'),
      ]);
      expect(download.suggestedFilename()).toMatch(/^[0-9a-f-]{36}\.zip$/);
      await page.goto(`${base}/archive`);
      await check(page, 'deliveries-after');
    });
  });
});
