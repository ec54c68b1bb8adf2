import type { Browser } from 'playwright-core';
import {
  describeInBrowser,
  describeFocus,
  elementsPastRightEdge,
  focusOutline,
  expectNoAxeViolations,
  launchBrowser,
  newPage,
  pressTabUntil,
  screenshot,
  scrollsSideways,
} from './helpers/browser.js';
import { pdf } from './helpers/files.js';
import {
  caseWithDraft,
  sendRound,
  stockholmDay,
  type RoundFixture,
} from './helpers/round-fixtures.js';
import { SmtpSink, waitFor } from './helpers/smtp-sink.js';
import { startTestApp, TestApp } from './helpers/test-app.js';

/** The answer page in a real browser (headless Chromium from Debian), as a consultee uses it. */
describeInBrowser('the response page in a browser', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let browser: Browser;
  let fixture: RoundFixture;
  let base: string;
  /** One personal link per committee: the first answers with the mouse, the second by keyboard. */
  let tokens: string[];
  let roundId: number;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, PUBLIC_URL: 'http://127.0.0.1' });
    base = await t.listen();
    fixture = await caseWithDraft(t, 2);
    ({ id: roundId } = await sendRound(t, fixture, {
      title: 'Strategi för inkludering',
      deadline: stockholmDay(30),
      recipientKinds: ['committee'],
      sections: [
        { ref: '4.3 a', title: 'Attraktiva mötesplatser' },
        { ref: '5.1 a', title: 'Sociala nätverk' },
      ],
    }));
    const invitations = await waitFor(
      () => sink.mails,
      (mails) => mails.length === 2,
    );
    tokens = fixture.committees.map((committee) => {
      const mail = invitations.find((each) => each.to.includes(committee.email))!;
      return /\/respond\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1];
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sink?.stop();
  });

  it('fills in the form, is told what is missing next to the field, submits and sees the receipt', async () => {
    // JavaScript on for axe only: the page itself ships no script (the keyboard test runs without).
    const page = await newPage(browser);
    const loaded = await page.goto(`${base}/respond/${tokens[0]}`);
    expect(loaded!.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    expect(await page.textContent('h1')).toBe('Strategi för inkludering');

    // Every field a person fills in has a label.
    const unlabelled = await page.$$eval('input:not([type=hidden]), textarea', (fields) =>
      fields
        .filter((field) => (field as unknown as { labels: { length: number } }).labels.length === 0)
        .map((field) => field.id),
    );
    expect(unlabelled).toEqual([]);
    await expectNoAxeViolations(page, 'the answer form');
    await screenshot(page, 'respond-form');

    await page
      .getByLabel('Sammanfattning av ert svar')
      .fill('Nämnden ställer sig bakom förslaget.');
    await page
      .getByLabel('4.3 a Attraktiva mötesplatser')
      .fill('Mötesplatserna bör ha öppet kvällstid.');
    await page.getByRole('button', { name: 'Skicka svar' }).click();
    await page.waitForLoadState();
    expect(await page.textContent('#position-fel')).toBe('Välj ett ställningstagande.');
    expect(await page.inputValue('#summary')).toBe('Nämnden ställer sig bakom förslaget.');
    expect(await page.inputValue('#comment_0')).toBe('Mötesplatserna bör ha öppet kvällstid.');
    await expectNoAxeViolations(page, 'the refused answer form');
    await screenshot(page, 'respond-refused');

    await page.getByLabel('Tillstyrker med synpunkter').check();
    await page.getByLabel('Ert diarienummer').fill('BUN 2026/0042');
    await page.setInputFiles('#files', {
      name: 'Protokollsutdrag § 87.pdf',
      mimeType: 'application/pdf',
      buffer: pdf('Protokollsutdrag'),
    });
    await page.getByRole('button', { name: 'Skicka svar' }).click();
    await page.waitForLoadState();
    expect(await page.textContent('h1')).toBe('Tack, ert svar är registrerat');
    await expectNoAxeViolations(page, 'the receipt');
    await screenshot(page, 'respond-receipt');
    const receipt = await page.textContent('.receipt');
    const documentNumber = /handling (\S+ \d{4}\/\d{4}-\d+)/.exec(receipt ?? '')![1];

    const responses = await t
      .http()
      .get(`/api/rounds/${roundId}/responses`)
      .set('Authorization', fixture.registrar.auth);
    expect(responses.body.items).toEqual([
      expect.objectContaining({
        position: 'approve_with_comments',
        summary: 'Nämnden ställer sig bakom förslaget.',
        comments: [{ sectionRef: '4.3 a', text: 'Mötesplatserna bör ha öppet kvällstid.' }],
        decision: { caseNumber: 'BUN 2026/0042' },
        receivedVia: 'link',
        documentNumber,
      }),
    ]);
    await page.close();
  });

  it('reflows at 320 px: no page scrolls sideways', async () => {
    const page = await browser.newPage({
      javaScriptEnabled: false,
      viewport: { width: 320, height: 640 },
    });
    await page.goto(`${base}/respond/${tokens[1]}`);
    const wide = await elementsPastRightEdge(page);
    expect(wide).toEqual([]);
    expect(await scrollsSideways(page)).toBe(false);
    await page.close();
  });

  it('answers by keyboard alone (Tab, Space and Enter), with no clicks', async () => {
    const page = await browser.newPage({ javaScriptEnabled: false });
    await page.goto(`${base}/respond/${tokens[1]}`);

    // The first radio button of the group takes the focus; Space picks it.
    await pressTabUntil(page, page.getByLabel('Tillstyrker', { exact: true }));
    await page.keyboard.press('Space');
    await pressTabUntil(page, page.getByLabel('Sammanfattning av ert svar'));
    await page.keyboard.type('Nämnden tillstyrker.');
    // Every control on the way has a visible focus indicator.
    const focusStyle = await focusOutline(page);
    expect(focusStyle).toBe('solid 3px');
    const send = page.getByRole('button', { name: 'Skicka svar' });
    await pressTabUntil(page, send);
    expect(await describeFocus(page)).toBe('button "Skicka svar"');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.textContent('h1')).toBe('Tack, ert svar är registrerat');

    const responses = await t
      .http()
      .get(`/api/rounds/${roundId}/responses`)
      .set('Authorization', fixture.registrar.auth);
    expect(responses.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          position: 'approve',
          summary: 'Nämnden tillstyrker.',
          receivedVia: 'link',
        }),
      ]),
    );
    await page.close();
  });

  it('explains an unknown link, and that page too meets WCAG 2.1 AA', async () => {
    const page = await newPage(browser);
    const loaded = await page.goto(`${base}/respond/${'x'.repeat(43)}`);
    expect(loaded!.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('Länken fungerar inte');
    await expectNoAxeViolations(page, 'the invalid link page');
    await screenshot(page, 'respond-link-invalid');
    await page.close();
  });

  it('the WCAG check itself names each rule broken, with the element', async () => {
    const page = await newPage(browser);
    await page.setContent(
      '<!DOCTYPE html><html lang="sv"><head><title>Prov</title></head><body><main><h1>Prov</h1>' +
        '<p style="color:#aaaaaa">Svag text</p><input id="namnlos" type="text"></main></body></html>',
    );
    await expect(expectNoAxeViolations(page, 'a broken page')).rejects.toThrow(
      /axe found 2 WCAG 2\.1 AA violation\(s\) on a broken page[\s\S]*color-contrast \(serious\): [^\n]* – p\n[\s\S]*label \(critical\): [^\n]* – #namnlos/,
    );
    await page.close();
  });
});
