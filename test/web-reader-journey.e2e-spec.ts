import type { Browser, Page } from 'playwright-core';
import {
  describeInBrowser,
  freePort,
  journeyChecks,
  launchBrowser,
  newPage,
} from './helpers/browser.js';
import { buildSecretCase, SECRET_PATTERN, type SecretCase } from './helpers/secret-case.js';
import { SmtpSink } from './helpers/smtp-sink.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { signInPage } from './helpers/web-session.js';

/*
 * The reader (an auditor) in a real browser, through the pages only: the registrar's and the
 * clerk's pages, read-only. A confidential case, its round and the paragraph recorded on it show
 * no title or content anywhere, and no page offers the reader an action (a form that writes).
 */

describeInBrowser('the reader’s journey in a browser: read-only, with secrets withheld', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  let s: SecretCase;

  /**
   * Every page the reader lands on: screenshots at both widths, axe, reflow at 320 px, nothing
   * secret in the whole document (title and attributes included), and no form that writes but
   * signing out.
   */
  const checkPage = journeyChecks('reader');
  const check = async (name: string) => {
    await checkPage(page, name);
    const html = await page.content();
    expect({ page: name, secret: SECRET_PATTERN.exec(html)?.[0] ?? null }).toEqual({
      page: name,
      secret: null,
    });
    const writes = await page
      .locator('form')
      .evaluateAll((forms) =>
        forms
          .filter((form) => (form.getAttribute('method') ?? 'get').toLowerCase() === 'post')
          .map((form) => form.getAttribute('action') ?? ''),
      );
    expect({ page: name, writes }).toEqual({ page: name, writes: ['/logout'] });
  };
  const follow = async (action: () => Promise<unknown>) => {
    await Promise.all([page.waitForNavigation(), action()]);
  };
  const main = () => page.getByRole('main');
  const path = () => new URL(page.url()).pathname;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await startTestApp({ SMTP_URL: sink.url, PUBLIC_URL: base });
    await t.app.listen(port, '127.0.0.1');
    s = await buildSecretCase(t, sink);
    browser = await launchBrowser();
    page = await newPage(browser);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sink?.stop();
  });

  it('signs in and sees the menu a reader has', async () => {
    await signInPage(page, base, s.reader.email, s.reader.password);
    await check('start');
    const menu = page.getByRole('navigation', { name: 'Huvudmeny' });
    expect(await menu.getByRole('link').allInnerTexts()).toEqual([
      'Remisser',
      'Ärenden',
      'Sammanträden',
    ]);
  });

  it('finds the confidential case in the register, without its title', async () => {
    await follow(() => page.getByRole('link', { name: 'Ärenden', exact: true }).first().click());
    expect(path()).toBe('/cases');
    await check('cases');
    const row = page.getByRole('row').filter({ hasText: s.caseNumber });
    await expect(row.innerText()).resolves.toContain('Sekretessbelagt ärende');
    await follow(() => row.getByRole('link', { name: s.caseNumber }).click());
    expect(path()).toBe(`/cases/${s.caseId}`);
    await check('case');
    await expect(main().innerText()).resolves.toContain(
      'Rubrik, beskrivning och handlingarnas innehåll visas inte för dig',
    );
    // The registrar's actions on the case are not there.
    expect(await page.getByRole('link', { name: 'Ny remiss' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Registrera' }).count()).toBe(0);
  });

  it('follows the round of the confidential case read-only', async () => {
    await follow(() => page.getByRole('link', { name: 'Remisser', exact: true }).first().click());
    expect(path()).toBe('/rounds');
    await check('rounds');
    await page.goto(`${base}/rounds/${s.roundId}`);
    await check('round');
    for (const action of ['Skicka remissen', 'Stäng remissen', 'Bevilja anstånd']) {
      expect(await page.getByRole('button', { name: action }).count()).toBe(0);
    }
  });

  it('reads the meeting and the paragraph on the confidential case, locked and redacted', async () => {
    await follow(() =>
      page.getByRole('link', { name: 'Sammanträden', exact: true }).first().click(),
    );
    expect(path()).toBe('/meetings');
    await check('meetings');
    await follow(() => main().locator(`a[href="/meetings/${s.meetingId}"]`).first().click());
    expect(path()).toBe(`/meetings/${s.meetingId}`);
    await check('meeting');
    await follow(() =>
      main().locator(`a[href="/meetings/${s.meetingId}/items/${s.itemId}"]`).first().click(),
    );
    expect(path()).toBe(`/meetings/${s.meetingId}/items/${s.itemId}`);
    await check('item');
  });

  it('is refused a write even when it posts by hand', async () => {
    // With the session's own CSRF token, so that only the reader's role refuses it.
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const response = await page.request.post(`${base}/meetings/${s.meetingId}/hold`, {
      form: { _csrf: csrf },
      headers: { origin: base },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(403);
    expect(SECRET_PATTERN.test(await response.text())).toBe(false);
  });
});
