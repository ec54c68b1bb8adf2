import type { Browser, Page } from 'playwright-core';
import {
  describeInBrowser,
  freePort,
  journeyChecks,
  launchBrowser,
  newPage,
} from './helpers/browser.js';
import { adminAuth, createOrganisation } from './helpers/factories.js';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app.js';
import { stockholmDay } from './helpers/test-clock.js';
import { signInPage } from './helpers/web-session.js';

/*
 * The admin's journey in a real browser, through the pages only: sign in, add a committee under
 * Kommunstyrelsen in the directory, give it a respondent's account, watch that respondent sign in
 * in a browser of their own, deactivate the account (their next page is the sign-in page), and
 * find the changes in the audit log filtered by the admin. Every page on the way passes axe
 * (WCAG 2.1 A and AA), does not scroll sideways at 320 px and is photographed at both widths.
 */

const KS = 'Kommunstyrelsen';
const SFN = 'Servicenämnden';
const RESPONDENT = {
  name: 'Sara Svensson',
  email: 'sara.svensson@kalmar.test',
  password: 'ett-langt-losenord-2026',
};

describeInBrowser('the admin’s journey in a browser, through the pages only', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  let respondentPage: Page;
  let ksId: number;
  let sfnId: number;
  let userId: number;

  /** Every page the journey lands on: screenshots at both widths, axe, and reflow at 320 px. */
  const checkPage = journeyChecks('admin');
  const check = (name: string, on: Page = page) => checkPage(on, name);
  const follow = async (action: () => Promise<unknown>, on: Page = page) => {
    await Promise.all([on.waitForNavigation(), action()]);
  };
  const path = (on: Page = page) => new URL(on.url()).pathname;
  const flash = () => page.getByRole('status').innerText();
  const h1 = (on: Page = page) => on.getByRole('heading', { level: 1 }).innerText();
  const subnav = (name: string) =>
    page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name });

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await startTestApp({ PUBLIC_URL: base, MUNICIPALITY_NAME: 'Kalmar kommun' });
    await t.app.listen(port, '127.0.0.1');
    const auth = await adminAuth(t);
    ksId = (
      await createOrganisation(t, auth, {
        name: KS,
        kind: 'council',
        seriesCode: 'KS',
        email: 'kommunstyrelsen@kalmar.test',
      })
    ).id;
    await createOrganisation(t, auth, { name: 'Kalmarhem AB', kind: 'company' });
    browser = await launchBrowser();
    page = await newPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('1. signs in and opens Administration from the main menu', async () => {
    await signInPage(page, base, ADMIN.email, ADMIN.password);
    expect(path()).toBe('/');
    await follow(() =>
      page
        .getByRole('navigation', { name: 'Huvudmeny' })
        .getByRole('link', { name: 'Administration' })
        .click(),
    );
    expect(path()).toBe('/admin/organisations');
    expect(await h1()).toBe('Organisationer');
    expect(await subnav('Organisationer').getAttribute('aria-current')).toBe('page');
    await check('organisations');
  });

  it('2. is refused a committee with a bad mailbox, then creates it under Kommunstyrelsen', async () => {
    await follow(() => page.getByRole('link', { name: 'Ny organisation' }).click());
    expect(path()).toBe('/admin/organisations/new');
    await check('organisation-new');
    await page.getByLabel('Namn', { exact: true }).fill(SFN);
    await page.getByLabel('Slag', { exact: true }).selectOption({ label: 'Nämnd eller utskott' });
    await page.getByLabel('Diarieserie', { exact: true }).fill('SFN');
    await page.getByLabel('Funktionsbrevlåda', { exact: true }).fill('servicenamnden');
    await page.getByLabel('Överordnad organisation', { exact: true }).selectOption({ label: KS });
    await follow(() => page.getByRole('button', { name: 'Skapa organisationen' }).click());
    const summary = page.getByRole('alert');
    expect(await summary.getByRole('link').allInnerTexts()).toEqual([
      'Skriv funktionsbrevlåda som en e-postadress, till exempel namn@exempel.se',
    ]);
    expect(await page.getByLabel('Namn', { exact: true }).inputValue()).toBe(SFN);
    await check('organisation-refused');
    expect(await t.sql('SELECT id FROM organisation WHERE name = ?', [SFN])).toEqual([]);

    await page.getByLabel('Funktionsbrevlåda', { exact: true }).fill('servicenamnden@kalmar.test');
    await follow(() => page.getByRole('button', { name: 'Skapa organisationen' }).click());
    expect(path()).toBe('/admin/organisations');
    expect(await flash()).toBe(`Organisationen ${SFN} skapades`);
    // Servicenämnden is listed inside Kommunstyrelsen's item, not at the top.
    const item = page.locator('li', {
      has: page.locator(':scope > div > a', { hasText: SFN }),
    });
    expect(await item.locator('xpath=ancestor::li[1]/div/a').innerText()).toBe(KS);
    expect((await item.locator(':scope > div').innerText()).replace(/\s+/g, ' ')).toBe(
      `${SFN} Aktiv Nämnd eller utskott · diarieserie SFN · servicenamnden@kalmar.test`,
    );
    const [row] = await t.sql<{ id: number; parent_id: number }>(
      'SELECT id, parent_id FROM organisation WHERE name = ?',
      [SFN],
    );
    expect(row.parent_id).toBe(ksId);
    sfnId = row.id;
    await check('organisations-tree');
  });

  it('3. creates a respondent’s account for the committee', async () => {
    await follow(() => subnav('Användare').click());
    expect(path()).toBe('/admin/users');
    await check('users');
    await follow(() => page.getByRole('link', { name: 'Ny användare' }).click());
    expect(path()).toBe('/admin/users/new');
    await check('user-new');
    await page.getByLabel('Namn', { exact: true }).fill(RESPONDENT.name);
    await page.getByLabel('E-postadress', { exact: true }).fill(RESPONDENT.email);
    await page.getByLabel('Lösenord', { exact: true }).fill(RESPONDENT.password);
    await page.getByLabel('Remissinstans', { exact: true }).check();
    await page.getByLabel(SFN, { exact: true }).check();
    await follow(() => page.getByRole('button', { name: 'Skapa användaren' }).click());
    expect(path()).toMatch(/^\/admin\/users\/\d+$/);
    userId = Number(path().split('/')[3]);
    expect(await flash()).toBe(`Användaren ${RESPONDENT.name} skapades`);
    expect(await h1()).toBe(RESPONDENT.name);
    const facts = (await page.locator('dl.remiss-summary').innerText()).replace(/\s+/g, ' ');
    expect(facts).toContain(`Roller Remissinstans Organisationer ${SFN}`);
    expect(facts).toContain('Status Aktiv');
    await check('user');
  });

  it('4. the respondent signs in in a browser of their own', async () => {
    respondentPage = await newPage(browser);
    await signInPage(respondentPage, base, RESPONDENT.email, RESPONDENT.password);
    expect(path(respondentPage)).toBe('/');
    expect(await respondentPage.getByText(RESPONDENT.name).first().isVisible()).toBe(true);
  });

  it('5. deactivating the account ends the respondent’s session at once', async () => {
    await follow(() => page.getByRole('button', { name: 'Inaktivera kontot' }).click());
    expect(path()).toBe(`/admin/users/${userId}`);
    expect(await flash()).toBe(
      `${RESPONDENT.name} inaktiverades; användarens inloggningar avslutades`,
    );
    expect(await page.getByRole('button', { name: 'Aktivera kontot' }).isVisible()).toBe(true);
    await check('user-deactivated');

    await respondentPage.goto(`${base}/`);
    expect(path(respondentPage)).toBe('/login');
    expect(await respondentPage.getByLabel('E-postadress', { exact: true }).isVisible()).toBe(true);
  });

  it('6. finds the creations in the audit log filtered by the admin', async () => {
    await follow(() => subnav('Logg').click());
    expect(path()).toBe('/admin/audit');
    await check('audit');
    await page
      .getByLabel('Användare', { exact: true })
      .selectOption({ label: `Systemförvaltare (${ADMIN.email})` });
    await page.getByLabel('Från och med', { exact: true }).fill(stockholmDay(0));
    await follow(() => page.getByRole('button', { name: 'Sök', exact: true }).click());
    expect(path()).toBe('/admin/audit');
    const table = page.getByRole('table');
    const rows: string[][] = [];
    for (const line of await table.locator('tbody tr').all()) {
      const cells = await line.locator('th, td').allInnerTexts();
      rows.push(cells.slice(1, 4).map((cell) => cell.trim()));
    }
    expect(rows).toEqual([
      [ADMIN.email, 'Användaren ändrades', `Användare ${userId}`],
      [ADMIN.email, 'Användaren skapades', `Användare ${userId}`],
      [ADMIN.email, 'Organisationen skapades', `Organisation ${sfnId}`],
      // Signed in on the pages, after the directory was set up through the API.
      [ADMIN.email, 'Användaren loggade in', expect.stringMatching(/^Användare \d+$/)],
      [ADMIN.email, 'Organisationen skapades', expect.stringMatching(/^Organisation \d+$/)],
      [ADMIN.email, 'Organisationen skapades', `Organisation ${ksId}`],
      [ADMIN.email, 'Användaren loggade in', expect.stringMatching(/^Användare \d+$/)],
    ]);
    const times = await table.locator('tbody th').allInnerTexts();
    expect(times.every((time) => time.startsWith(stockholmDay(0)))).toBe(true);
    // The deactivation's change is shown field by field.
    await table.locator('tbody tr').first().locator('summary').click();
    expect((await table.locator('tbody tr').first().innerText()).replace(/\s+/g, ' ')).toContain(
      'Aktiv ja → nej',
    );
    await check('audit-filtered');
  });
});
