import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import {
  addDays,
  holidayOn,
  workingDayOnOrAfter,
  weekdayName,
  type Holiday,
} from '../src/common/working-days.js';
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
import { docxText } from './helpers/docx-text.js';
import { adminAuth, createOrganisation, createUser, type TestUser } from './helpers/factories.js';
import { pdf } from './helpers/files.js';
import { SmtpSink, waitFor } from './helpers/smtp-sink.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { stockholmDay, stockholmYear } from './helpers/test-clock.js';
import { signInPage } from './helpers/web-session.js';

/*
 * The registrar's whole desk in a real browser, through the pages only, with the directory of
 * the remiss flow test (test/e2e/remiss-flow.e2e-spec.ts): register the strategy case and its
 * draft, open a round to every committee and company (and one outside body picked by hand) with
 * two sections and a deadline on a holiday, send it, follow one answer given through its link,
 * grant an extension, download the compilation and close the round. Every page on the way passes
 * axe (WCAG 2.1 A and AA), does not scroll sideways at 320 px and is photographed at both widths.
 * The steps run in order and share the browser page.
 */

const LINK = /https?:\/\/\S+\/respond\/[A-Za-z0-9_-]{43}/;

const KS = 'Kommunstyrelsen';
const UTSKOTT = 'Kommunstyrelsens utskott för integration och arbetsmarknad';
const SFN = 'Servicenämnden';
const BUN = 'Barn- och ungdomsnämnden';
const KALMARHEM = 'Kalmarhem AB';
const OUTSIDE = 'Funktionsrätt Kalmar län';
const SILENT = 'Kultur- och fritidsnämnden';
const EMAIL: Record<string, string> = {
  [KS]: 'kommunstyrelsen@kalmar.test',
  [UTSKOTT]: 'integrationsutskottet@kalmar.test',
  [SFN]: 'servicenamnden@kalmar.test',
  [BUN]: 'barn.ungdom@kalmar.test',
  [KALMARHEM]: 'info@kalmarhem.test',
  [OUTSIDE]: 'kansli@funktionsratt-kalmar.test',
  [SILENT]: 'kultur.fritid@kalmar.test',
};
/** Every committee and company but the case owner and its utskott, and the outside body. */
const CONSULTEES = [BUN, OUTSIDE, KALMARHEM, SILENT, SFN];

const CASE_TITLE = 'Strategi för etnisk och kulturell inkludering 2022–2025';
const DRAFT_TITLE = 'Förslag till strategi för etnisk och kulturell inkludering';
const ROUND_TITLE = `Remiss: ${CASE_TITLE}`;
/** What the round's page says once consultees can be acted on, one by one. */
const ACT_ON_CONSULTEES = 'Välj en remissinstans för att bevilja anstånd';
const SECTIONS = [
  { ref: '4.3 a', title: 'Attraktiva mötesplatser i bostadsområden' },
  { ref: '5.1 a', title: 'Sociala nätverk och civilsamhället' },
];
const SFN_SUMMARY =
  'Förvaltningen är positiv till att det skapas en tydlighet kring arbetet med etnisk och kulturell inkludering inom kommunen.';
const SFN_COMMENT =
  'Serviceförvaltningen beslutar inte kring etablering av mötesplatser i bostadsområden och kan således inte vara huvudansvarig för denna punkt.';
const CLOSE_REASON = 'Remisstiden är slut och svaren är sammanställda.';

/**
 * The first Swedish public holiday three weeks or more after the tests' day: within three to six
 * weeks whenever the calendar has one there (between midsummer and All Saints it has none, and the
 * next one is taken; the deadline may lie two years ahead).
 */
function holidayDeadline(): Holiday {
  for (let days = 21; days < 700; days += 1) {
    const holiday = holidayOn(stockholmDay(days));
    if (holiday) return holiday;
  }
  throw new Error('no Swedish holiday within two years');
}

describeInBrowser('the registrar’s journey in a browser, through the pages only', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  let registrar: TestUser;
  const org: Record<string, number> = {};

  const today = stockholmDay(0);
  const ks = `KS ${stockholmYear()}/0001`;
  const holiday = holidayDeadline();
  const deadline = holiday.day;
  const extendedTo = workingDayOnOrAfter(addDays(deadline, 14));
  let caseId: number;
  let roundId: number;

  /** Every page the journey lands on: screenshots at both widths, axe, and reflow at 320 px. */
  const checkPage = journeyChecks('journey');
  const check = (name: string, on: Page = page) => checkPage(on, name);
  /** Clicks what leads to another page and waits for it. */
  const follow = async (action: () => Promise<unknown>, on: Page = page) => {
    await Promise.all([on.waitForNavigation(), action()]);
  };
  const path = (on: Page = page) => new URL(on.url()).pathname;
  const flash = () => page.getByRole('status').innerText();
  const mainText = () => page.getByRole('main').innerText();
  /** The status matrix on /rounds/:id: per consultee, its cells by their column headers. */
  const matrix = async (): Promise<Record<string, string>[]> => {
    const table = page.getByRole('table', { name: 'Status per remissinstans' });
    const headers = (await table.getByRole('columnheader').allInnerTexts()).map((text) =>
      text.replace(/\s+/g, ' ').trim(),
    );
    const lines: Record<string, string>[] = [];
    for (const row of await table.locator('tbody tr').all()) {
      const cells = await row.locator('th, td').allInnerTexts();
      lines.push(Object.fromEntries(headers.map((header, i) => [header, cells[i]?.trim() ?? ''])));
    }
    return lines;
  };
  const statuses = async () => (await matrix()).map((row) => [row.Remissinstans, row.Status]);
  const rowOf = async (name: string) => (await matrix()).find((row) => row.Remissinstans === name)!;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await startTestApp({
      SMTP_URL: sink.url,
      PUBLIC_URL: base,
      MUNICIPALITY_NAME: 'Kalmar kommun',
    });
    await t.app.listen(port, '127.0.0.1');
    // The directory and the registrar's account are set up through the API, as an admin would.
    const admin = await adminAuth(t);
    const add = async (name: string, body: Record<string, unknown>) => {
      org[name] = (await createOrganisation(t, admin, { name, email: EMAIL[name], ...body })).id;
    };
    await add(KS, { kind: 'council', seriesCode: 'KS' });
    await add(UTSKOTT, { kind: 'committee', parentId: org[KS] });
    await add(SFN, { kind: 'committee', seriesCode: 'SFN' });
    await add(BUN, { kind: 'committee', seriesCode: 'BUN' });
    await add(SILENT, { kind: 'committee' });
    await add(KALMARHEM, { kind: 'company' });
    await add(OUTSIDE, { kind: 'external' });
    registrar = await createUser(t, admin, ['registrar'], [org[KS]]);
    browser = await launchBrowser();
    page = await newPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sink?.stop();
  });

  it('1. signs in and lands on the start page', async () => {
    await page.goto(`${base}/login`);
    await check('login');
    await signInPage(page, base, registrar.email, registrar.password);
    expect(path()).toBe('/');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Start');
    await check('start');
  });

  it('2. registers the case and uploads the draft on the case page', async () => {
    await follow(() =>
      page
        .getByRole('navigation', { name: 'Huvudmeny' })
        .getByRole('link', { name: 'Ärenden' })
        .click(),
    );
    expect(path()).toBe('/cases');
    await check('cases');
    await follow(() => page.getByRole('link', { name: 'Registrera ett nytt ärende' }).click());
    expect(path()).toBe('/cases/new');
    await check('case-new');
    await page.getByLabel('Rubrik', { exact: true }).fill(CASE_TITLE);
    await page.getByLabel('Organisation', { exact: true }).selectOption({ label: `${KS} (KS)` });
    await follow(() => page.getByRole('button', { name: 'Registrera ärendet' }).click());
    expect(path()).toMatch(/^\/cases\/\d+$/);
    caseId = Number(path().split('/')[2]);
    expect(await flash()).toBe(`Ärendet ${ks} registrerades`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Ärende ${ks}`);
    await check('case');

    // The document form is folded away until opened.
    await page.locator('summary', { hasText: 'Registrera handling' }).click();
    const draft = pdf(DRAFT_TITLE);
    await page.getByLabel('Fil', { exact: true }).setInputFiles({
      name: 'Förslag till strategi.pdf',
      mimeType: 'application/pdf',
      buffer: draft,
    });
    await page.getByLabel('Rubrik', { exact: true }).fill(DRAFT_TITLE);
    await page.getByLabel('Upprättad', { exact: true }).check();
    await follow(() => page.getByRole('button', { name: 'Registrera handlingen' }).click());
    expect(path()).toBe(`/cases/${caseId}`);
    expect(await flash()).toBe(`Handlingen ${ks}-1 registrerades`);
    const documents = page.getByRole('region', { name: 'Handlingar' });
    expect(await documents.getByRole('rowheader').allInnerTexts()).toEqual([`${ks}-1`]);
    expect(await documents.innerText()).toContain(DRAFT_TITLE);
    await check('case-with-draft');

    // What the page registered is what the register holds.
    const stored = await t.sql<{ title: string; direction: string; size: number }>(
      'SELECT title, direction, size FROM document WHERE case_id = ?',
      [caseId],
    );
    expect(stored.map((row) => ({ ...row, size: Number(row.size) }))).toEqual([
      { title: DRAFT_TITLE, direction: 'internal', size: draft.length },
    ]);
  });

  it('3. opens a round to all committees and companies with two sections and is warned of the holiday', async () => {
    await follow(() => page.getByRole('link', { name: 'Ny remiss', exact: true }).click());
    expect(path()).toBe(`/cases/${caseId}/rounds/new`);
    await check('round-new');
    await page.getByLabel('Rubrik', { exact: true }).fill(ROUND_TITLE);
    await page.getByLabel(`${ks}-1 ${DRAFT_TITLE}`).check();
    await page.getByLabel('Alla nämnder och bolag', { exact: true }).check();
    // The outside body is picked one by one.
    await page.locator('summary', { hasText: 'En och en' }).click();
    await page.getByLabel(OUTSIDE, { exact: true }).check();
    for (const [index, section] of SECTIONS.entries()) {
      await page.getByLabel(`Nummer på punkt ${index + 1}`, { exact: true }).fill(section.ref);
      await page.getByLabel(`Rubrik på punkt ${index + 1}`, { exact: true }).fill(section.title);
    }
    await page.getByLabel('Sista svarsdag', { exact: true }).fill(deadline);
    await page.getByLabel('Följebrev', { exact: true }).fill('Synpunkter önskas på förslaget.');
    await follow(() => page.getByRole('button', { name: 'Spara och granska' }).click());

    // The check before sending: the holiday is named, nothing has gone out yet.
    const warnings = page.locator('#warnings');
    expect(await warnings.getByRole('heading').innerText()).toBe('Kontrollera innan du skickar');
    expect(await warnings.getByRole('listitem').allInnerTexts()).toEqual([
      `Sista svarsdag ${deadline} är en helgdag (${holiday.name}, en ${weekdayName(deadline)}), inte en arbetsdag.`,
    ]);
    const [round] = await t.sql<{ id: number; status: string; sections: string }>(
      'SELECT id, status, sections FROM referral_round WHERE case_id = ?',
      [caseId],
    );
    roundId = Number(round.id);
    expect(round.status).toBe('draft');
    expect(JSON.parse(round.sections)).toEqual(SECTIONS);
    expect(sink.mails).toHaveLength(0);
    await check('round-confirm');
  });

  it('4. sends on confirmation and sees every consultee as sent', async () => {
    await follow(() => page.getByRole('button', { name: 'Skicka remissen', exact: true }).click());
    expect(path()).toBe(`/rounds/${roundId}`);
    expect(await flash()).toBe('Remissen skickades till 5 mottagare');
    // `köad` until the mail server has taken each invitation, then `skickad`.
    await waitFor(
      () => sink.mails.length,
      (count) => count >= CONSULTEES.length,
    );
    const sent = await waitFor(
      async () => {
        await page.reload();
        return statuses();
      },
      (rows) => rows.every(([, status]) => status === 'skickad'),
    );
    expect(sent).toEqual(CONSULTEES.map((name) => [name, 'skickad']));
    expect(sink.mails.map((mail) => mail.to).sort()).toEqual(
      CONSULTEES.map((name) => EMAIL[name]).sort(),
    );
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(ROUND_TITLE);
    // Once sent, each consultee's name leads to its page with the actions on it.
    expect(await mainText()).toContain(ACT_ON_CONSULTEES);
    expect(await page.getByRole('link', { name: SILENT, exact: true }).count()).toBe(1);
    await check('round-sent');
  });

  it('5. after Servicenämnden answers through its link, sees the answer in the matrix and under its section', async () => {
    const [invitation] = sink.to(EMAIL[SFN]);
    const link = LINK.exec(invitation.text)![0];
    expect(link.startsWith(`${base}/respond/`)).toBe(true);

    const consultee = await newPage(browser);
    await consultee.goto(link);
    await check('respond', consultee);
    await consultee.getByLabel('Tillstyrker med synpunkter', { exact: true }).check();
    await consultee.getByLabel('Sammanfattning av ert svar').fill(SFN_SUMMARY);
    await consultee.getByLabel(`${SECTIONS[0].ref} ${SECTIONS[0].title}`).fill(SFN_COMMENT);
    await follow(() => consultee.getByRole('button', { name: 'Skicka svar' }).click(), consultee);
    expect(await consultee.getByRole('heading', { level: 1 }).innerText()).toBe(
      'Tack, ert svar är registrerat',
    );
    await check('respond-receipt', consultee);
    await consultee.close();

    await page.reload();
    expect(await statuses()).toEqual(
      CONSULTEES.map((name) => [name, name === SFN ? 'besvarad' : 'skickad']),
    );
    // Opened and answered today; the others have not opened their links.
    const answered = await rowOf(SFN);
    expect(answered.Öppnad).toContain(today);
    expect(answered.Besvarad).toContain(today);
    expect(await rowOf(BUN)).toMatchObject({ Öppnad: '–', Besvarad: '–' });
    const answers = page.getByRole('table', { name: /svar/i }).filter({ hasText: SFN });
    expect(await answers.innerText()).toContain('Tillstyrker med synpunkter');
    const [first, second] = SECTIONS.map((section) =>
      page.getByRole('region', { name: `${section.ref} ${section.title}` }),
    );
    expect(await first.innerText()).toContain(`${SFN}: ${SFN_COMMENT}`);
    expect(await second.innerText()).not.toContain(SFN);
    await check('round-answered');
  });

  it('6. grants Kultur- och fritidsnämnden an extension and sees it in the matrix', async () => {
    // The consultee's own page, from its name in the matrix, has its actions.
    await follow(() => page.getByRole('link', { name: SILENT, exact: true }).click());
    expect(path()).toMatch(new RegExp(`^/rounds/${roundId}/recipients/\\d+$`));
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(SILENT);
    expect(await mainText()).toContain('Inget anstånd har beviljats.');
    await check('consultee');
    await follow(() => page.getByRole('link', { name: 'Bevilja anstånd' }).click());
    expect(path()).toMatch(new RegExp(`^/rounds/${roundId}/recipients/\\d+/extension$`));
    await check('extension');
    await page.getByLabel('Ny svarstid', { exact: true }).fill(extendedTo);
    await page.getByLabel('Skäl', { exact: true }).fill('Nämnden sammanträder först i februari.');
    await follow(() => page.getByRole('button', { name: 'Bevilja anstånd' }).click());
    expect(path()).toBe(`/rounds/${roundId}`);
    expect(await flash()).toBe(`Anstånd beviljat till ${extendedTo}`);
    expect((await matrix()).map((row) => [row.Remissinstans, row.Status, row.Svarstid])).toEqual(
      CONSULTEES.map((name) => [
        name,
        name === SFN ? 'besvarad' : 'skickad',
        name === SILENT ? `anstånd till ${extendedTo}` : deadline,
      ]),
    );
    await check('round-extended');
  });

  it('7. downloads the compilation, which names the answer and its comment', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /remissammanställningen/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.docx$/);
    const text = await docxText(readFileSync(await download.path()));
    expect(text).toContain('Remissammanställning');
    expect(text).toContain(ROUND_TITLE);
    expect(text).toContain(SFN);
    expect(text).toContain('Tillstyrker med synpunkter');
    expect(text).toContain(`${SECTIONS[0].ref} ${SECTIONS[0].title}`);
    expect(text).toContain(SFN_COMMENT);
  });

  it('8. closes the round with a reason and sees it closed', async () => {
    await page.getByLabel('Skäl', { exact: true }).fill(CLOSE_REASON);
    await follow(() => page.getByRole('button', { name: 'Stäng remissen' }).click());
    expect(path()).toBe(`/rounds/${roundId}`);
    expect(await flash()).toBe('Remissen är stängd');
    const main = await mainText();
    expect(main).toContain(`stängd ${today}`);
    expect(main).toContain(CLOSE_REASON);
    expect(await page.getByRole('button', { name: 'Stäng remissen' }).count()).toBe(0);
    // Nothing more can be done per consultee: neither the round nor a consultee's page offers it.
    expect(await mainText()).not.toContain(ACT_ON_CONSULTEES);
    await follow(() => page.getByRole('link', { name: SILENT, exact: true }).click());
    expect(await page.getByRole('heading', { name: 'Åtgärder' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Skicka remissen igen' }).count()).toBe(0);
    await follow(() => page.getByRole('link', { name: 'Tillbaka till remissen' }).click());
    expect(path()).toBe(`/rounds/${roundId}`);
    const [round] = await t.sql<{ status: string; closedReason: string }>(
      'SELECT status, closed_reason AS closedReason FROM referral_round WHERE id = ?',
      [roundId],
    );
    expect(round).toEqual({ status: 'closed', closedReason: CLOSE_REASON });
    await check('round-closed');

    // The committee that never answered finds its link closed with the round.
    const consultee = await newPage(browser);
    const closedLink = await consultee.goto(LINK.exec(sink.to(EMAIL[SILENT])[0].text)![0]);
    expect(closedLink!.status()).toBe(404);
    expect(await consultee.getByRole('heading', { level: 1 }).innerText()).toBe(
      'Länken fungerar inte',
    );
    await check('respond-closed', consultee);
    await consultee.close();

    // The follow-up list shows it closed as well.
    await follow(() =>
      page
        .getByRole('navigation', { name: 'Huvudmeny' })
        .getByRole('link', { name: 'Remisser' })
        .click(),
    );
    expect(path()).toBe('/rounds');
    await check('rounds');
  });

  it('opens and sends a round, then grants one consultee an extension and resends to it, by keyboard alone (Tab, Space, Enter and typing)', async () => {
    const keyboard = await browser.newPage({ javaScriptEnabled: false });
    const press = async (name: string, key = 'Enter') => {
      await Promise.all([keyboard.waitForNavigation(), keyboard.keyboard.press(key)]);
      return name;
    };
    /** Controls reached without a visible focus indicator (an outline of 2 px or more). */
    const unseen: string[] = [];
    const tabTo = async (target: Parameters<typeof pressTabUntil>[1]) => {
      await pressTabUntil(keyboard, target, { limit: 200 });
      const [style, width] = (await focusOutline(keyboard)).split(' ');
      if (style === 'none' || !(parseFloat(width) >= 2)) unseen.push(await describeFocus(keyboard));
    };
    try {
      await keyboard.goto(`${base}/login`);
      await tabTo(keyboard.getByLabel('E-postadress', { exact: true }));
      await keyboard.keyboard.type(registrar.email);
      await tabTo(keyboard.getByLabel('Lösenord', { exact: true }));
      await keyboard.keyboard.type(registrar.password);
      await press('sign in');
      expect(path(keyboard)).toBe('/');

      await tabTo(
        keyboard
          .getByRole('navigation', { name: 'Huvudmeny' })
          .getByRole('link', { name: 'Ärenden', exact: true }),
      );
      await press('Ärenden');
      await tabTo(keyboard.getByRole('link', { name: ks, exact: true }));
      await press(ks);
      expect(path(keyboard)).toBe(`/cases/${caseId}`);
      await tabTo(keyboard.getByRole('link', { name: 'Ny remiss', exact: true }));
      await press('Ny remiss');
      expect(path(keyboard)).toBe(`/cases/${caseId}/rounds/new`);

      await tabTo(keyboard.getByLabel('Rubrik', { exact: true }));
      await keyboard.keyboard.type('Remiss med tangentbordet');
      await tabTo(keyboard.getByLabel(`${ks}-1 ${DRAFT_TITLE}`));
      await keyboard.keyboard.press('Space');
      await tabTo(keyboard.getByLabel('Alla nämnder och bolag', { exact: true }));
      await keyboard.keyboard.press('Space');
      await tabTo(keyboard.getByLabel('Nummer på punkt 1', { exact: true }));
      await keyboard.keyboard.type(SECTIONS[0].ref);
      await tabTo(keyboard.getByLabel('Rubrik på punkt 1', { exact: true }));
      await keyboard.keyboard.type(SECTIONS[0].title);
      const plainDay = workingDayOnOrAfter(stockholmDay(30));
      await tabTo(keyboard.getByLabel('Sista svarsdag', { exact: true }));
      await keyboard.keyboard.type(plainDay);
      // Enter on a text field would press the form's first button ("Fler rader"): go to the one meant.
      await tabTo(keyboard.getByRole('button', { name: 'Spara och granska' }));
      expect(await describeFocus(keyboard)).toBe('button "Spara och granska"');
      await press('Spara och granska');
      expect(
        await keyboard.getByRole('heading', { name: 'Kontrollera innan du skickar' }).count(),
      ).toBe(0);

      await tabTo(keyboard.getByRole('button', { name: 'Skicka remissen', exact: true }));
      await press('send');
      const roundPath = path(keyboard);
      expect(roundPath).toMatch(/^\/rounds\/\d+$/);
      expect(roundPath).not.toBe(`/rounds/${roundId}`);
      expect(await keyboard.getByRole('status').innerText()).toBe(
        'Remissen skickades till 4 mottagare',
      );
      const [round] = await t.sql<{ status: string; title: string; deadline: string }>(
        'SELECT status, title, deadline FROM referral_round WHERE id = ?',
        [Number(roundPath.split('/')[2])],
      );
      expect(round).toEqual({
        status: 'sent',
        title: 'Remiss med tangentbordet',
        deadline: plainDay,
      });

      // One consultee's page, from its name in the matrix: an extension, then a resend.
      const consultee = async () => {
        await tabTo(keyboard.getByRole('link', { name: SILENT, exact: true }));
        await press(SILENT);
        expect(path(keyboard)).toMatch(new RegExp(`^${roundPath}/recipients/\\d+$`));
      };
      await consultee();
      await tabTo(keyboard.getByRole('link', { name: 'Bevilja anstånd', exact: true }));
      await press('Bevilja anstånd');
      const later = workingDayOnOrAfter(stockholmDay(45));
      await tabTo(keyboard.getByLabel('Ny svarstid', { exact: true }));
      await keyboard.keyboard.type(later);
      await tabTo(keyboard.getByLabel('Skäl', { exact: true }));
      await keyboard.keyboard.type('Nämnden sammanträder senare.');
      await tabTo(keyboard.getByRole('button', { name: 'Bevilja anstånd' }));
      await press('grant');
      expect(path(keyboard)).toBe(roundPath);
      expect(await keyboard.getByRole('status').innerText()).toBe(`Anstånd beviljat till ${later}`);
      await consultee();
      expect(await keyboard.getByRole('main').innerText()).toContain(
        'Nämnden sammanträder senare.',
      );
      await tabTo(keyboard.getByRole('button', { name: 'Skicka remissen igen' }));
      await press('resend');
      expect(await keyboard.getByRole('status').innerText()).toBe(
        `Remissen är skickad igen till ${SILENT}`,
      );
      const [silent] = await t.sql<{ deadline: string; invitations: number }>(
        `SELECT r.extended_deadline AS deadline, r.invitation_count AS invitations
           FROM referral_round_recipient r JOIN organisation o ON o.id = r.organisation_id
          WHERE r.round_id = ? AND o.name = ?`,
        [Number(roundPath.split('/')[2]), SILENT],
      );
      expect(silent).toEqual({ deadline: later, invitations: 2 });
      expect(unseen).toEqual([]);
    } finally {
      await keyboard.close();
    }
  });
});
