import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { noticeDates } from '../src/meetings/appeal-period.js';
import {
  describeFocus,
  describeInBrowser,
  focusOutline,
  freePort,
  journeyChecks,
  launchBrowser,
  newPage,
  pressTabUntil,
} from './helpers/browser.js';
import { docxText, pageText as wordPageText } from './helpers/docx-text.js';
import { adminAuth, createOrganisation, createUser, type TestUser } from './helpers/factories.js';
import { SmtpSink, waitFor } from './helpers/smtp-sink.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { stockholmDay, stockholmYear } from './helpers/test-clock.js';
import { csrfOf, pageText, signInAgent, type Agent } from './helpers/web-agent.js';
import { signInPage } from './helpers/web-session.js';

/*
 * The clerk's minutes in a real browser, through the pages only: create the utskott's meeting,
 * add three paragraphs (one linked to the strategy case found by searching the register), put
 * them in order, mark the meeting held, adjust it by keyboard alone, post the notice, download the
 * protocol and the extract, and dispatch the extract to the organisations it is sent to (real
 * SMTP). A reader then sees the same meeting without any action. Every page on the way passes axe
 * (WCAG 2.1 A and AA), does not scroll sideways at 320 px and is photographed at both widths.
 * Beside it, the forms' refusals at HTTP level: error summary, typed values kept, nothing written.
 */

const KS = 'Kommunstyrelsen';
const UTSKOTT = 'Kommunstyrelsens utskott för integration och arbetsmarknad';
const SFN = 'Servicenämnden';
const KALMARHEM = 'Kalmarhem AB';
const EMAIL: Record<string, string> = {
  [KS]: 'kommunstyrelsen@kalmar.test',
  [UTSKOTT]: 'integrationsutskottet@kalmar.test',
  [SFN]: 'servicenamnden@kalmar.test',
  [KALMARHEM]: 'info@kalmarhem.test',
};

const CASE_TITLE = 'Strategi för etnisk och kulturell inkludering 2022–2025';
const OTHER_CASE_TITLE = 'Detaljplan för Ölandshamnen';
const PARAGRAPHS = [
  {
    title: 'Strategi för etnisk och kulturell inkludering – beslut om remiss',
    decision: 'Strategin skickas på remiss till samtliga nämnder och bolag inom kommunkoncernen.',
  },
  { title: 'Information om arbetsmarknadsläget', decision: 'Informationen noteras.' },
  { title: 'Delegationsbeslut', decision: 'Redovisningen läggs till handlingarna.' },
];
const PLACE = 'Stadshuset, sal Kalmarsund';
const CHAIR = 'Johan Persson';
const SECRETARY = 'Anna Lind';
const ADJUSTERS = ['Carl-Henrik Sölvinger', 'Maria Nilsson'];
const BACKGROUND = 'Arbetsförmedlingen redovisar läget på arbetsmarknaden i kommunen.';

describe('the clerk’s meeting pages (Sammanträden)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let base: string;
  let admin: string;
  let clerk: TestUser;
  let reader: TestUser;
  let registrar: TestUser;
  const org: Record<string, number> = {};
  const today = stockholmDay(0);
  const meetingDay = stockholmDay(-2);
  const ks = `KS ${stockholmYear()}/0001`;
  let caseId: number;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await startTestApp({
      SMTP_URL: sink.url,
      PUBLIC_URL: base,
      MUNICIPALITY_NAME: 'Kalmar kommun',
      LOGIN_RATE_LIMIT: '100',
      LOGIN_ADDRESS_RATE_LIMIT: '1000',
      LOGIN_ACCOUNT_RATE_LIMIT: '1000',
    });
    await t.app.listen(port, '127.0.0.1');
    admin = await adminAuth(t);
    const add = async (name: string, body: Record<string, unknown>) => {
      org[name] = (await createOrganisation(t, admin, { name, email: EMAIL[name], ...body })).id;
    };
    await add(KS, { kind: 'council', seriesCode: 'KS' });
    await add(UTSKOTT, { kind: 'committee', parentId: org[KS] });
    await add(SFN, { kind: 'committee', seriesCode: 'SFN' });
    await add(KALMARHEM, { kind: 'company' });
    // A clerk of Kommunstyrelsen keeps the minutes of its utskott too.
    clerk = await createUser(t, admin, ['clerk'], [org[KS]]);
    reader = await createUser(t, admin, ['reader']);
    registrar = await createUser(t, admin, ['registrar'], [org[KS]]);
    for (const title of [CASE_TITLE, OTHER_CASE_TITLE]) {
      const created = await t
        .http()
        .post('/api/cases')
        .set('Authorization', registrar.auth)
        .send({ title, organisationId: org[KS] })
        .expect(201);
      if (title === CASE_TITLE) caseId = Number(created.body.id);
    }
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const count = async (table: string, where = '1=1', params: unknown[] = []) => {
    const [row] = await t.sql<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`,
      params,
    );
    return Number(row.n);
  };

  describeInBrowser('the journey in a browser', () => {
    let browser: Browser;
    let page: Page;
    let meetingId: number;

    /** Every page the journey lands on: screenshots at both widths, axe, and reflow at 320 px. */
    const checkPage = journeyChecks('clerk');
    const check = (name: string, on: Page = page) => checkPage(on, name);
    const follow = async (action: () => Promise<unknown>, on: Page = page) => {
      await Promise.all([on.waitForNavigation(), action()]);
    };
    const path = (on: Page = page) => new URL(on.url()).pathname;
    const flash = (on: Page = page) => on.getByRole('status').first().innerText();
    const mainText = (on: Page = page) => on.getByRole('main').innerText();
    const download = async (action: () => Promise<unknown>): Promise<Buffer> => {
      const [file] = await Promise.all([page.waitForEvent('download'), action()]);
      return readFileSync(await file.path());
    };
    /** The paragraphs table: § and title per row, in the order shown. */
    const paragraphs = async (on: Page = page) => {
      const table = on.getByRole('region', { name: 'Paragrafer' }).getByRole('table');
      const rows: string[][] = [];
      for (const row of await table.locator('tbody tr').all()) {
        const cells = await row.locator('th, td').allInnerTexts();
        rows.push(cells.slice(0, 3).map((cell) => cell.trim()));
      }
      return rows;
    };

    beforeAll(async () => {
      browser = await launchBrowser();
      page = await newPage(browser);
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('1. signs in and finds Sammanträden in the menu', async () => {
      await signInPage(page, base, clerk.email, clerk.password);
      await follow(() =>
        page
          .getByRole('navigation', { name: 'Huvudmeny' })
          .getByRole('link', { name: 'Sammanträden' })
          .click(),
      );
      expect(path()).toBe('/meetings');
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Sammanträden');
      expect(await mainText()).toContain('Inga kommande sammanträden.');
      await check('meetings-empty');
    });

    it('2. creates the utskott’s meeting; a bad date is refused first, keeping what was typed', async () => {
      // Only the organisations whose minutes the clerk keeps are offered.
      const organs = await page
        .getByLabel('Organ', { exact: true })
        .locator('option')
        .allInnerTexts();
      expect(organs).toEqual(['Välj organ', KS, UTSKOTT]);
      await page.getByLabel('Organ', { exact: true }).selectOption({ label: UTSKOTT });
      await page.getByLabel('Datum', { exact: true }).fill('2026-02-30');
      await page.getByLabel('Tid', { exact: true }).fill('08:30');
      await page.getByLabel('Plats', { exact: true }).fill(PLACE);
      await follow(() => page.getByRole('button', { name: 'Skapa sammanträdet' }).click());
      const summary = page.getByRole('alert');
      expect(await summary.getByRole('link').allInnerTexts()).toEqual([
        'Skriv datum som ett datum, till exempel 2026-12-02',
      ]);
      expect(await page.getByLabel('Plats', { exact: true }).inputValue()).toBe(PLACE);
      expect(await count('meeting')).toBe(0);
      await check('meetings-refused');

      await page.getByLabel('Datum', { exact: true }).fill(meetingDay);
      await follow(() => page.getByRole('button', { name: 'Skapa sammanträdet' }).click());
      expect(path()).toMatch(/^\/meetings\/\d+$/);
      meetingId = Number(path().split('/')[2]);
      expect(await flash()).toBe(`Sammanträdet ${UTSKOTT} ${meetingDay} är skapat`);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(
        `Sammanträde ${UTSKOTT} ${meetingDay}`,
      );
      const main = await mainText();
      expect(main).toContain(`${meetingDay} kl. 08:30`);
      expect(main).toContain(PLACE);
      expect(main).toContain('Sammanträdet har inga paragrafer ännu.');
      await check('meeting-new');
    });

    it('3. adds three paragraphs, the first linked to the case found by searching the register', async () => {
      await follow(() => page.getByRole('link', { name: 'Lägg till paragraf' }).click());
      expect(path()).toBe(`/meetings/${meetingId}/items/new`);
      await check('item-new');
      // What is typed before searching stays in the form, and the search saves nothing.
      await page.getByLabel('Rubrik', { exact: true }).fill(PARAGRAPHS[0].title);
      await page.getByLabel('Beslut', { exact: true }).fill(PARAGRAPHS[0].decision);
      await page.getByLabel('Sök ärende', { exact: true }).fill('inkludering');
      await follow(() => page.getByRole('button', { name: 'Sök ärende' }).click());
      expect(await page.getByText('1 ärende hittades för ”inkludering”.').count()).toBe(1);
      expect(await page.getByLabel('Rubrik', { exact: true }).inputValue()).toBe(
        PARAGRAPHS[0].title,
      );
      expect(await page.getByLabel('Beslut', { exact: true }).inputValue()).toBe(
        PARAGRAPHS[0].decision,
      );
      expect(await count('meeting_item')).toBe(0);
      // The search is the register's: the other case is no hit.
      const choices = page.getByRole('group', { name: 'Ärende' }).getByRole('radio');
      expect(await choices.count()).toBe(2);
      expect(await page.getByLabel(`${OTHER_CASE_TITLE}`).count()).toBe(0);
      await check('item-search');
      await page.getByLabel(`${ks} ${CASE_TITLE}`, { exact: true }).check();
      await page.locator('summary', { hasText: 'Expedieras till' }).click();
      await page.getByLabel(SFN, { exact: true }).check();
      await page.getByLabel(KALMARHEM, { exact: true }).check();
      await follow(() => page.getByRole('button', { name: 'Lägg till paragrafen' }).click());
      expect(path()).toBe(`/meetings/${meetingId}`);
      expect(await flash()).toBe(`§ 1 ${PARAGRAPHS[0].title} är tillagd`);

      for (const [index, paragraph] of PARAGRAPHS.entries()) {
        if (index === 0) continue;
        await follow(() => page.getByRole('link', { name: 'Lägg till paragraf' }).click());
        await page.getByLabel('Rubrik', { exact: true }).fill(paragraph.title);
        await page.getByLabel('Beslut', { exact: true }).fill(paragraph.decision);
        await follow(() => page.getByRole('button', { name: 'Lägg till paragrafen' }).click());
        expect(await flash()).toBe(`§ ${index + 1} ${paragraph.title} är tillagd`);
      }
      expect(await paragraphs()).toEqual([
        ['§ 1', PARAGRAPHS[0].title, ks],
        ['§ 2', PARAGRAPHS[1].title, '–'],
        ['§ 3', PARAGRAPHS[2].title, '–'],
      ]);
      const [stored] = await t.sql<{ caseId: number; sendTo: string }>(
        'SELECT case_id AS caseId, send_to AS sendTo FROM meeting_item WHERE paragraph = 1',
      );
      expect(Number(stored.caseId)).toBe(caseId);
      expect(JSON.parse(stored.sendTo)).toEqual([
        { organisationId: org[KALMARHEM], name: KALMARHEM },
        { organisationId: org[SFN], name: SFN },
      ]);
      await check('meeting-paragraphs');
    });

    it('4. edits the second paragraph through its page', async () => {
      await follow(() => page.getByRole('link', { name: '§ 2', exact: true }).click());
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(
        `§ 2 ${PARAGRAPHS[1].title}`,
      );
      await check('item');
      await follow(() => page.getByRole('link', { name: 'Ändra paragrafen' }).click());
      expect(path()).toMatch(new RegExp(`^/meetings/${meetingId}/items/\\d+/edit$`));
      expect(await page.getByLabel('Rubrik', { exact: true }).inputValue()).toBe(
        PARAGRAPHS[1].title,
      );
      expect(await page.getByLabel('Inget ärende', { exact: true }).isChecked()).toBe(true);
      await check('item-edit');
      await page.getByLabel('Bakgrund', { exact: true }).fill(BACKGROUND);
      await follow(() => page.getByRole('button', { name: 'Spara ändringarna' }).click());
      expect(await flash()).toBe('§ 2 är ändrad');
      expect(await mainText()).toContain(BACKGROUND);
      await follow(() =>
        page
          .getByRole('link', { name: `Tillbaka till sammanträdet ${UTSKOTT} ${meetingDay}` })
          .click(),
      );
      expect(path()).toBe(`/meetings/${meetingId}`);
    });

    it('5. reorders them with the move buttons (plain forms)', async () => {
      await follow(() => page.getByRole('button', { name: 'Flytta ned § 1' }).click());
      expect(await flash()).toBe('Paragrafen är flyttad till § 2');
      await follow(() => page.getByRole('button', { name: 'Flytta upp § 3' }).click());
      expect(await flash()).toBe('Paragrafen är flyttad till § 2');
      // The numbers stay 1–3; the strategy paragraph is now the last.
      expect(await paragraphs()).toEqual([
        ['§ 1', PARAGRAPHS[1].title, '–'],
        ['§ 2', PARAGRAPHS[2].title, '–'],
        ['§ 3', PARAGRAPHS[0].title, ks],
      ]);
      const stored = await t.sql<{ paragraph: number; title: string }>(
        'SELECT paragraph, title FROM meeting_item ORDER BY paragraph',
      );
      expect(stored.map((row) => [Number(row.paragraph), row.title])).toEqual([
        [1, PARAGRAPHS[1].title],
        [2, PARAGRAPHS[2].title],
        [3, PARAGRAPHS[0].title],
      ]);
      await check('meeting-reordered');
    });

    it('6. marks the meeting held', async () => {
      await follow(() => page.getByRole('button', { name: 'Markera som hållet' }).click());
      expect(await flash()).toBe('Sammanträdet är markerat som hållet');
      expect(await page.getByRole('button', { name: 'Markera som hållet' }).count()).toBe(0);
      expect(await mainText()).toContain('hållet');
      await check('meeting-held');
    });

    it('7. adjusts the minutes by keyboard alone (Tab and typing, no JavaScript) and sees them locked', async () => {
      const keyboard = await browser.newPage({ javaScriptEnabled: false });
      const unseen: string[] = [];
      const tabTo = async (target: Parameters<typeof pressTabUntil>[1]) => {
        await pressTabUntil(keyboard, target, { limit: 200 });
        const [style, width] = (await focusOutline(keyboard)).split(' ');
        if (style === 'none' || !(parseFloat(width) >= 2))
          unseen.push(await describeFocus(keyboard));
      };
      try {
        await signInPage(keyboard, base, clerk.email, clerk.password);
        await keyboard.goto(`${base}/meetings/${meetingId}`);
        await tabTo(keyboard.getByLabel('Ordförande', { exact: true }));
        await keyboard.keyboard.type(CHAIR);
        await tabTo(keyboard.getByLabel('Sekreterare', { exact: true }));
        await keyboard.keyboard.type(SECRETARY);
        await tabTo(keyboard.getByLabel('Justerare', { exact: true }));
        await keyboard.keyboard.type(ADJUSTERS.join('\n'));
        await tabTo(keyboard.getByLabel('Justeringsdatum', { exact: true }));
        await keyboard.keyboard.type(today);
        await tabTo(keyboard.getByRole('button', { name: 'Justera protokollet' }));
        await Promise.all([keyboard.waitForNavigation(), keyboard.keyboard.press('Enter')]);
        expect(path(keyboard)).toBe(`/meetings/${meetingId}`);
        expect(await flash(keyboard)).toBe(`Protokollet är justerat ${today}`);
        expect(unseen).toEqual([]);
      } finally {
        await keyboard.close();
      }
      const [meeting] = await t.sql<{ status: string; chair: string; adjusters: string }>(
        'SELECT status, chair, adjusters FROM meeting WHERE id = ?',
        [meetingId],
      );
      expect({ ...meeting, adjusters: JSON.parse(meeting.adjusters) }).toEqual({
        status: 'adjusted',
        chair: CHAIR,
        adjusters: ADJUSTERS,
      });

      await page.reload();
      const main = await mainText();
      expect(main).toContain(`Justerat ${today} – paragraferna är låsta`);
      expect(main).toContain(ADJUSTERS.join(', '));
      for (const gone of [
        'Flytta upp',
        'Flytta ned',
        'Justera protokollet',
        'Markera som hållet',
      ]) {
        expect(await page.getByRole('button', { name: gone }).count()).toBe(0);
      }
      expect(await page.getByRole('link', { name: 'Lägg till paragraf' }).count()).toBe(0);
      await check('meeting-adjusted');
    });

    it('8. posts the notice and sees the last appeal day', async () => {
      expect(await page.getByLabel('Anslaget den', { exact: true }).inputValue()).toBe(today);
      await follow(() => page.getByRole('button', { name: 'Registrera anslaget' }).click());
      const { lastAppealDay, removedOn } = noticeDates(today);
      expect(await flash()).toBe(
        `Anslaget är registrerat. Sista dag att överklaga är ${lastAppealDay}`,
      );
      const main = await mainText();
      expect(main).toContain(`${today}, tas ned ${removedOn}`);
      expect(main).toMatch(new RegExp(`Sista dag att överklaga\\s+${lastAppealDay}`));
      expect(await page.getByRole('button', { name: 'Registrera anslaget' }).count()).toBe(0);
      await check('meeting-notice');

      const protocol = await docxText(
        await download(() =>
          page.getByRole('link', { name: 'Ladda ned protokollet (Word)' }).click(),
        ),
      );
      const at = PARAGRAPHS.map((paragraph) => protocol.indexOf(paragraph.title));
      expect(at.every((index) => index >= 0)).toBe(true);
      // In § order: 2, 3, then the strategy.
      expect(at[1] < at[2] && at[2] < at[0]).toBe(true);
      expect(protocol).not.toContain('UTKAST');
    });

    it('9. opens the strategy paragraph: locked, with its final extract', async () => {
      await follow(() => page.getByRole('link', { name: '§ 3', exact: true }).click());
      expect(path()).toMatch(new RegExp(`^/meetings/${meetingId}/items/\\d+$`));
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(
        `§ 3 ${PARAGRAPHS[0].title}`,
      );
      const main = await mainText();
      expect(main).toContain(`Justerad ${today} – paragrafen är låst`);
      expect(main).toContain(PARAGRAPHS[0].decision);
      expect(await page.getByRole('link', { name: 'Ändra paragrafen' }).count()).toBe(0);
      expect(
        await page.getByRole('button', { name: 'Justera paragrafen omedelbart' }).count(),
      ).toBe(0);
      await check('item-adjusted');

      // The header (municipality, organ, UTDRAG) and the body.
      const extract = await wordPageText(
        await download(() =>
          page.getByRole('link', { name: 'Ladda ned protokollsutdraget (Word)' }).click(),
        ),
      );
      expect(extract).toContain('UTDRAG');
      expect(extract).toContain('§ 3');
      expect(extract).toContain(PARAGRAPHS[0].title);
      expect(extract).toContain(PARAGRAPHS[0].decision);
      expect(extract).toContain(ks);
      expect(extract).toContain(CHAIR);
      expect(extract).not.toContain('UTKAST');
    });

    it('10. dispatches the extract to the organisations it is sent to, and sees the result', async () => {
      const receivers = page.getByRole('group', { name: /^Mottagare/ });
      expect(await receivers.getByRole('checkbox', { checked: true }).count()).toBe(2);
      await follow(() => page.getByRole('button', { name: 'Expediera utdraget' }).click());
      // The final extract is document 1 of the case; each dispatched copy is registered after it.
      expect(await flash()).toBe(
        `Protokollsutdraget är expedierat till ${KALMARHEM} (${ks}-2), ${SFN} (${ks}-3)`,
      );
      const mails = await waitFor(
        () => sink.mails,
        (received) => received.length >= 2,
      );
      expect(mails.map((mail) => mail.to).sort()).toEqual([EMAIL[KALMARHEM], EMAIL[SFN]].sort());
      for (const mail of mails) {
        expect(mail.subject).toBe(
          `Protokollsutdrag ${UTSKOTT} ${meetingDay} § 3 – ${PARAGRAPHS[0].title} (${ks})`,
        );
        expect(mail.attachments).toHaveLength(1);
        expect(await docxText(mail.attachments[0].content)).toContain(PARAGRAPHS[0].decision);
      }
      const documents = await t.sql<{ number: string; direction: string; counterpart: string }>(
        `SELECT document_number AS number, direction, counterpart FROM document
          WHERE case_id = ? ORDER BY id`,
        [caseId],
      );
      expect(documents.slice(1).map((row) => [row.number, row.direction, row.counterpart])).toEqual(
        [
          [`${ks}-2`, 'outgoing', KALMARHEM],
          [`${ks}-3`, 'outgoing', SFN],
        ],
      );
      await check('item-dispatched');
    });

    it('11. a reader sees the meeting and its paragraph without any action, and a post is refused', async () => {
      const other = await newPage(browser);
      try {
        await signInPage(other, base, reader.email, reader.password);
        await other.goto(`${base}/meetings/${meetingId}`);
        expect(await other.getByRole('heading', { level: 1 }).innerText()).toBe(
          `Sammanträde ${UTSKOTT} ${meetingDay}`,
        );
        expect((await paragraphs(other)).map((row) => row[1])).toEqual([
          PARAGRAPHS[1].title,
          PARAGRAPHS[2].title,
          PARAGRAPHS[0].title,
        ]);
        // The only form on the page is the header's "Logga ut".
        expect(await other.getByRole('main').locator('form').count()).toBe(0);
        expect(await other.getByRole('main').getByRole('button').count()).toBe(0);
        await check('reader-meeting', other);
        await follow(() => other.getByRole('link', { name: '§ 3', exact: true }).click(), other);
        expect(await other.getByRole('main').locator('form').count()).toBe(0);
        await check('reader-item', other);

        // A post made with the reader's own session and token is refused, and changes nothing.
        const token = await other.locator('input[name="_csrf"]').first().inputValue();
        const before = await count('meeting_item');
        const refused = await other.request.post(`${base}/meetings/${meetingId}/items/new`, {
          form: { _csrf: token, title: 'Läsarens paragraf', decision: 'Nej.' },
          headers: { Origin: base },
        });
        expect(refused.status()).toBe(403);
        expect(await count('meeting_item')).toBe(before);
      } finally {
        await other.close();
      }
    });
  });

  describe('refused input at HTTP level', () => {
    let agent: Agent;
    let meetingId: number;
    const MEETINGS = '/meetings';

    beforeAll(async () => {
      agent = await signInAgent(t, clerk.email, clerk.password);
      const created = await t
        .http()
        .post('/api/meetings')
        .set('Authorization', clerk.auth)
        .send({ organisationId: org[KS], date: meetingDay })
        .expect(201);
      meetingId = Number(created.body.id);
    });

    const tokenOf = async (url: string) => csrfOf((await agent.get(url).expect(200)).text);

    it('a meeting without organ and date shows the error summary, keeps the place and writes nothing', async () => {
      const before = await count('meeting');
      const response = await agent
        .post(MEETINGS)
        .type('form')
        .send({ _csrf: await tokenOf(MEETINGS), organisationId: '', date: '', place: PLACE });
      expect(response.status).toBe(400);
      const text = pageText(response.text);
      expect(text).toContain('Det finns fel i formuläret');
      expect(text).toContain('Välj organ');
      expect(response.text).toContain('href="#date"');
      expect(response.text).toContain(`value="${PLACE}"`);
      expect(await count('meeting')).toBe(before);
    });

    it('a paragraph without title shows the error summary, keeps the decision and writes nothing', async () => {
      const url = `/meetings/${meetingId}/items/new`;
      const response = await agent
        .post(url)
        .type('form')
        .send({ _csrf: await tokenOf(url), title: '  ', decision: 'Beslutet som skrevs.' });
      expect(response.status).toBe(400);
      expect(pageText(response.text)).toContain('Fyll i rubrik');
      expect(response.text).toContain('href="#title"');
      expect(response.text).toContain('Beslutet som skrevs.</textarea>');
      expect(await count('meeting_item', 'meeting_id = ?', [meetingId])).toBe(0);
    });

    it('a case id that is no hit is refused on the case field', async () => {
      const url = `/meetings/${meetingId}/items/new`;
      const response = await agent
        .post(url)
        .type('form')
        .send({
          _csrf: await tokenOf(url),
          title: 'Rubrik',
          decision: 'Beslut.',
          caseId: '999999',
        });
      expect(response.status).toBe(400);
      expect(pageText(response.text)).toContain('Välj ett ärende bland sökträffarna');
      expect(await count('meeting_item', 'meeting_id = ?', [meetingId])).toBe(0);
    });

    it('an adjustment dated before the meeting is refused and saves none of the names typed', async () => {
      await t
        .http()
        .post(`/api/meetings/${meetingId}/items`)
        .set('Authorization', clerk.auth)
        .send({ title: 'Ärende att justera', decision: 'Beslut.' })
        .expect(201);
      const url = `/meetings/${meetingId}`;
      const early = stockholmDay(-10);
      const response = await agent
        .post(`${url}/adjust`)
        .type('form')
        .send({
          _csrf: await tokenOf(url),
          chair: CHAIR,
          secretary: SECRETARY,
          adjusters: ADJUSTERS.join('\n'),
          adjustedOn: early,
        });
      expect(response.status).toBe(400);
      expect(pageText(response.text)).toContain(
        `Justeringsdatum kan vara från sammanträdet (${meetingDay}) till i dag (${today})`,
      );
      expect(response.text).toContain(`value="${CHAIR}"`);
      expect(response.text).toContain(`${ADJUSTERS.join('\n')}</textarea>`);
      const [meeting] = await t.sql<{ status: string; chair: string | null }>(
        'SELECT status, chair FROM meeting WHERE id = ?',
        [meetingId],
      );
      expect(meeting).toEqual({ status: 'planned', chair: null });
    });

    it('an adjustment without chair names what is missing', async () => {
      const url = `/meetings/${meetingId}`;
      const response = await agent
        .post(`${url}/adjust`)
        .type('form')
        .send({ _csrf: await tokenOf(url), chair: '', secretary: SECRETARY, adjusters: '' });
      expect(response.status).toBe(400);
      const text = pageText(response.text);
      expect(text).toContain('Ange ordförande före justeringen');
      expect(text).toContain('Ange minst en justerare före justeringen');
      expect(response.text).toContain(`value="${SECRETARY}"`);
      const [meeting] = await t.sql<{ status: string; secretary: string | null }>(
        'SELECT status, secretary FROM meeting WHERE id = ?',
        [meetingId],
      );
      expect(meeting).toEqual({ status: 'planned', secretary: null });
    });

    it('an emptied title on the edit form is refused and the paragraph keeps its text', async () => {
      const [item] = await t.sql<{ id: number }>(
        'SELECT id FROM meeting_item WHERE meeting_id = ?',
        [meetingId],
      );
      const url = `/meetings/${meetingId}/items/${item.id}/edit`;
      const form = await agent.get(url).expect(200);
      expect(form.text).toContain('value="Ärende att justera"');
      const response = await agent
        .post(url)
        .type('form')
        .send({ _csrf: csrfOf(form.text), title: '', decision: 'Ett nytt beslut.', version: '1' });
      expect(response.status).toBe(400);
      expect(pageText(response.text)).toContain('Fyll i rubrik');
      expect(response.text).toContain('Ett nytt beslut.</textarea>');
      const [stored] = await t.sql<{ title: string; decision: string }>(
        'SELECT title, decision FROM meeting_item WHERE id = ?',
        [item.id],
      );
      expect(stored).toEqual({ title: 'Ärende att justera', decision: 'Beslut.' });
    });

    it('immediate adjustment is refused until the meeting names its people, then locks the paragraph', async () => {
      const [item] = await t.sql<{ id: number }>(
        'SELECT id FROM meeting_item WHERE meeting_id = ?',
        [meetingId],
      );
      const url = `/meetings/${meetingId}/items/${item.id}`;
      const refused = await agent
        .post(`${url}/adjust`)
        .type('form')
        .send({ _csrf: await tokenOf(url), adjustedOn: today });
      expect(refused.status).toBe(400);
      expect(pageText(refused.text)).toContain(
        'Ange ordförande före justeringen (på sammanträdets sida)',
      );
      await t
        .http()
        .patch(`/api/meetings/${meetingId}`)
        .set('Authorization', clerk.auth)
        .send({ chair: CHAIR, secretary: SECRETARY, adjusters: ADJUSTERS })
        .expect(200);
      const adjusted = await agent
        .post(`${url}/adjust`)
        .type('form')
        .send({ _csrf: await tokenOf(url), adjustedOn: today });
      expect(adjusted.status).toBe(303);
      const shown = pageText((await agent.get(url).expect(200)).text);
      expect(shown).toContain(`§ 1 är omedelbart justerad ${today}`);
      expect(shown).toContain(`Justerad ${today} – paragrafen är låst`);
      expect(shown).toContain('Paragrafen justerades omedelbart, före resten av protokollet.');
      expect(shown).not.toContain('Ändra paragrafen');
      // The edit form of a locked paragraph leads back to its page, which says why.
      expect((await agent.get(`${url}/edit`).expect(303)).headers.location).toBe(url);
      // Put back as it was for the tests below: only the meeting's people stay named.
      await t.sql(
        'UPDATE meeting_item SET adjusted_on = NULL, adjusted_immediately = 0 WHERE id = ?',
        [item.id],
      );
      await t.sql('UPDATE meeting SET chair = NULL, secretary = NULL, adjusters = ? WHERE id = ?', [
        '[]',
        meetingId,
      ]);
    });

    it('a notice before adjustment and a post without the CSRF token are refused', async () => {
      const url = `/meetings/${meetingId}`;
      const missing = await agent.post(`${url}/hold`).type('form').send({});
      expect(missing.status).toBe(403);
      const [meeting] = await t.sql<{ status: string }>('SELECT status FROM meeting WHERE id = ?', [
        meetingId,
      ]);
      expect(meeting.status).toBe('planned');
    });

    it('readers and admins see the meeting without forms and may not post', async () => {
      const url = `/meetings/${meetingId}`;
      for (const who of [reader, await createUser(t, admin, ['admin'])]) {
        const other = await signInAgent(t, who.email, who.password);
        const shown = await other.get(url).expect(200);
        const main = shown.text.slice(shown.text.indexOf('<main'));
        expect(main).not.toContain('<form');
        expect(pageText(main)).toContain('Ärende att justera');
        const list = await other.get(MEETINGS).expect(200);
        expect(list.text).not.toContain('Skapa sammanträdet');
        const refused = await other
          .post(`${url}/hold`)
          .type('form')
          .send({ _csrf: csrfOf(shown.text) });
        expect(refused.status).toBe(403);
        await other.get(`${url}/items/new`).expect(403);
      }
      const [meeting] = await t.sql<{ status: string }>('SELECT status FROM meeting WHERE id = ?', [
        meetingId,
      ]);
      expect(meeting.status).toBe('planned');
    });

    it('a paragraph on a confidential case is redacted for a reader as the API redacts it', async () => {
      const secret = await t
        .http()
        .post('/api/cases')
        .set('Authorization', registrar.auth)
        .send({ title: 'Skyddat boende för Karlsson', organisationId: org[KS], confidential: true })
        .expect(201);
      const item = await t
        .http()
        .post(`/api/meetings/${meetingId}/items`)
        .set('Authorization', clerk.auth)
        .send({
          title: 'Placering av Karlsson',
          caseId: secret.body.id,
          decision: 'Karlsson placeras.',
        })
        .expect(201);
      const api = await t
        .http()
        .get(`/api/meetings/${meetingId}/items/${item.body.id}`)
        .set('Authorization', reader.auth)
        .expect(200);
      expect(api.body).toMatchObject({ redacted: true, title: null, decision: null });
      const other = await signInAgent(t, reader.email, reader.password);
      const meeting = pageText((await other.get(`/meetings/${meetingId}`).expect(200)).text);
      expect(meeting).toContain(
        `§ ${item.body.paragraph} Sekretessbelagd paragraf ${secret.body.caseNumber}`,
      );
      const shown = pageText(
        (await other.get(`/meetings/${meetingId}/items/${item.body.id}`).expect(200)).text,
      );
      expect(shown).toContain('Paragrafen hör till ett sekretessbelagt ärende');
      expect(`${meeting} ${shown}`).not.toMatch(/Karlsson/);
      // The clerk who keeps the minutes reads it in full.
      const own = pageText(
        (await agent.get(`/meetings/${meetingId}/items/${item.body.id}`).expect(200)).text,
      );
      expect(own).toContain('Karlsson placeras.');
    });

    it('a clerk of another organisation sees no actions and is refused', async () => {
      const stranger = await createUser(t, admin, ['clerk'], [org[SFN]]);
      const other = await signInAgent(t, stranger.email, stranger.password);
      const url = `/meetings/${meetingId}`;
      const shown = await other.get(url).expect(200);
      expect(shown.text.slice(shown.text.indexOf('<main'))).not.toContain('<form');
      const refused = await other
        .post(`${url}/hold`)
        .type('form')
        .send({ _csrf: csrfOf(shown.text) });
      expect(refused.status).toBe(403);
      // Its own list holds only its own organisation's meetings.
      const list = await other.get(MEETINGS).expect(200);
      expect(pageText(list.text)).not.toContain(KS);
    });
  });
});
