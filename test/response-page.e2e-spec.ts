import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { pdf } from './helpers/files.js';
import {
  caseWithDraft,
  sendRound,
  stockholmDay,
  type RoundFixture,
} from './helpers/round-fixtures.js';
import { SmtpSink, waitFor } from './helpers/smtp-sink.js';
import { startTestApp, TestApp } from './helpers/test-app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Outside CI a machine without Chromium skips this file with a notice; under CI=true it fails.
const browserMissing = !existsSync(CHROMIUM) && process.env.CI !== 'true';
if (browserMissing) {
  console.warn(
    `SKIPPED: the browser test needs Chromium at ${CHROMIUM}: install Debian's chromium package ` +
      '(apt-get install chromium) or set CHROMIUM_PATH.',
  );
}

/** The answer page in a real browser (headless Chromium from Debian), as a consultee uses it. */
(browserMissing ? describe.skip : describe)('the response page in a browser', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let browser: Browser;
  let fixture: RoundFixture;
  let base: string;
  let token: string;
  let roundId: number;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `The browser test needs Chromium at ${CHROMIUM}: install Debian's chromium package ` +
          '(apt-get install chromium) or set CHROMIUM_PATH.',
      );
    }
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, PUBLIC_URL: 'http://127.0.0.1' });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    fixture = await caseWithDraft(t, 1);
    ({ id: roundId } = await sendRound(t, fixture, {
      title: 'Strategi för inkludering',
      deadline: stockholmDay(30),
      recipientKinds: ['committee'],
      sections: [
        { ref: '4.3 a', title: 'Attraktiva mötesplatser' },
        { ref: '5.1 a', title: 'Sociala nätverk' },
      ],
    }));
    const [invitation] = await waitFor(
      () => sink.mails,
      (mails) => mails.length === 1,
    );
    token = /\/respond\/([A-Za-z0-9_-]{43})/.exec(invitation.text)![1];
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sink?.stop();
  });

  it('fills in the form, is told what is missing next to the field, submits and sees the receipt', async () => {
    const page = await browser.newPage({ javaScriptEnabled: false });
    const loaded = await page.goto(`${base}/respond/${token}`);
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
});
