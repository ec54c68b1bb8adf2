import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
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
import { createOrganisation, createUser, type TestUser } from './helpers/factories.js';
import { pdf } from './helpers/files.js';
import { caseWithDraft, type RoundFixture } from './helpers/round-fixtures.js';
import { SmtpSink, waitFor } from './helpers/smtp-sink.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { stockholmDay, stockholmYear } from './helpers/test-clock.js';
import { signInPage } from './helpers/web-session.js';

/*
 * The respondent's journey in a real browser, through the pages only: a contact person for two
 * committees that were both consulted finds the remiss in the inbox (Inkorg), downloads its draft
 * and the memo draft (tjänsteskrivelse), answers for one committee with a comment on a section, a
 * decision reference and a file, and reads the receipt's registration numbers; replaces the answer
 * after confirming; answers for the other committee by keyboard alone; and, with the clock past
 * another remiss's deadline, answers late. The round is set up through the API, as the registrar's
 * pages would have done. Every page visited passes axe (WCAG 2.1 A and AA), does not scroll
 * sideways at 320 px and is photographed at both widths.
 */

const DAY_MS = 86_400_000;
const SFN = 'Servicenämnden';
const BUN = 'Barn- och ungdomsnämnden';
const KFN = 'Kultur- och fritidsnämnden';
const ROUND_TITLE = 'Remiss: Strategi för etnisk och kulturell inkludering 2022–2025';
const LATE_TITLE = 'Remiss: Riktlinjer för mötesplatser';
const SECTIONS = [
  { ref: '4.3 a', title: 'Attraktiva mötesplatser i bostadsområden' },
  { ref: '5.1 a', title: 'Sociala nätverk och civilsamhället' },
];
const SUMMARY = 'Förvaltningen är positiv till strategin.';
const COMMENT =
  'Serviceförvaltningen beslutar inte kring etablering av mötesplatser i bostadsområden.';
const REPLACE_LABEL = 'Jag vill ersätta det tidigare svaret';

describeInBrowser('the respondent’s journey in a browser, through the pages only', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  let fixture: RoundFixture;
  let respondent: TestUser;
  let outsider: TestUser;
  const org: Record<string, number> = {};
  const recipient: Record<string, number> = {};
  let roundId: number;
  let lateRoundId: number;
  let lateRecipientId: number;

  const year = stockholmYear();
  const ks = `KS ${year}/0001`;
  const deadline = stockholmDay(30);
  const extendedTo = stockholmDay(44);
  const lateDeadline = stockholmDay(10);

  /** Every page the journey lands on: screenshots at both widths, axe, and reflow at 320 px. */
  const checkPage = journeyChecks('respondent');
  const check = (name: string, on: Page = page) => checkPage(on, name);
  const follow = async (action: () => Promise<unknown>, on: Page = page) => {
    await Promise.all([on.waitForNavigation(), action()]);
  };
  const path = (on: Page = page) => new URL(on.url()).pathname;
  const h1 = (on: Page = page) => on.getByRole('heading', { level: 1 }).innerText();
  const mainText = (on: Page = page) => on.getByRole('main').innerText();
  /** The inbox table: per row, its cells by their column headers. */
  const inboxRows = async (): Promise<Record<string, string>[]> => {
    const table = page.getByRole('table');
    const headers = await table.getByRole('columnheader').allInnerTexts();
    const rows: Record<string, string>[] = [];
    for (const row of await table.locator('tbody tr').all()) {
      const cells = await row.locator('th, td').allInnerTexts();
      rows.push(
        Object.fromEntries(
          headers.map((header, i) => [
            header.trim(),
            // The link's hidden words name the committee for screen readers; the column shows it.
            (cells[i] ?? '')
              .replace(/\s+/g, ' ')
              .trim()
              .replace(/ – svar för .*$/, ''),
          ]),
        ),
      );
    }
    return rows;
  };
  const errorSummary = () =>
    page.getByRole('alert').filter({ hasText: 'Det finns fel i formuläret' });
  const answersOf = async (history: boolean, id = roundId) =>
    (
      await t
        .http()
        .get(`/api/rounds/${id}/responses${history ? '?history=true' : ''}`)
        .set('Authorization', respondent.auth)
    ).body.items as {
      id: number;
      organisation: { name: string };
      position: string;
      summary: string | null;
      comments: { sectionRef: string; text: string }[];
      decision: Record<string, string | null> | null;
      late: boolean;
      current: boolean;
      supersedesId: number | null;
      documentNumber: string;
      replyDocumentNumber: string | null;
      attachments: unknown[];
    }[];
  const responseCount = async () =>
    Number((await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM referral_round_response'))[0].n);

  /** Opens a round on the case through the API and sends it, as the registrar would. */
  const open = async (body: Record<string, unknown>) => {
    const created = await t
      .http()
      .post(`/api/cases/${fixture.caseId}/rounds`)
      .set('Authorization', fixture.registrar.auth)
      .send({ documentIds: [fixture.draftId], ...body });
    expect(created.status).toBe(201);
    const sent = await t
      .http()
      .post(`/api/rounds/${created.body.id}/send`)
      .set('Authorization', fixture.registrar.auth);
    expect(sent.status).toBe(200);
    return sent.body.round as {
      id: number;
      recipients: { id: number; organisation: { id: number } }[];
    };
  };

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
    fixture = await caseWithDraft(t, 0);
    const add = async (name: string, seriesCode: string | null, email: string) => {
      org[name] = (
        await createOrganisation(t, fixture.admin, {
          name,
          kind: 'committee',
          email,
          ...(seriesCode ? { seriesCode } : {}),
        })
      ).id;
    };
    await add(SFN, 'SFN', 'servicenamnden@kalmar.test');
    await add(BUN, 'BUN', 'barn.ungdom@kalmar.test');
    await add(KFN, null, 'kultur.fritid@kalmar.test');
    respondent = await createUser(t, fixture.admin, ['respondent'], [org[SFN], org[BUN]]);
    outsider = await createUser(t, fixture.admin, ['respondent'], [org[KFN]]);

    const round = await open({
      title: ROUND_TITLE,
      deadline,
      recipientOrganisationIds: [org[SFN], org[BUN], org[KFN]],
      sections: SECTIONS,
      message: 'Synpunkter önskas på förslaget.',
    });
    roundId = round.id;
    for (const name of [SFN, BUN, KFN]) {
      recipient[name] = round.recipients.find((r) => r.organisation.id === org[name])!.id;
    }
    const late = await open({
      title: LATE_TITLE,
      deadline: lateDeadline,
      recipientOrganisationIds: [org[SFN]],
    });
    lateRoundId = late.id;
    lateRecipientId = late.recipients[0].id;
    const extended = await t
      .http()
      .post(`/api/rounds/${roundId}/recipients/${recipient[BUN]}/extension`)
      .set('Authorization', fixture.registrar.auth)
      .send({ deadline: extendedTo, reason: 'Nämnden sammanträder senare.' });
    expect(extended.status).toBe(201);
    await waitFor(
      () => sink.mails.length,
      (count) => count >= 4,
    );
    browser = await launchBrowser();
    page = await newPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sink?.stop();
  });

  it('1. signs in and finds both committees’ remisses in the inbox, and filters by committee', async () => {
    await signInPage(page, base, respondent.email, respondent.password);
    await follow(() =>
      page
        .getByRole('navigation', { name: 'Huvudmeny' })
        .getByRole('link', { name: 'Inkorg' })
        .click(),
    );
    expect(path()).toBe('/inbox');
    expect(await h1()).toBe('Inkorg');
    // Soonest deadline first: the late round, then SFN's, then BUN's extended one.
    expect(await inboxRows()).toEqual([
      {
        Remiss: LATE_TITLE,
        Avsändare: `Kommunstyrelsen (${ks})`,
        'Svarar för': SFN,
        'Sista svarsdag': lateDeadline,
        Status: 'obesvarad',
        'Vårt diarienummer': `SFN ${year}/0002`,
      },
      {
        Remiss: ROUND_TITLE,
        Avsändare: `Kommunstyrelsen (${ks})`,
        'Svarar för': SFN,
        'Sista svarsdag': deadline,
        Status: 'obesvarad',
        'Vårt diarienummer': `SFN ${year}/0001`,
      },
      {
        Remiss: ROUND_TITLE,
        Avsändare: `Kommunstyrelsen (${ks})`,
        'Svarar för': BUN,
        'Sista svarsdag': `${extendedTo} (anstånd, tidigare ${deadline})`,
        Status: 'obesvarad',
        'Vårt diarienummer': `BUN ${year}/0001`,
      },
    ]);
    await check('inbox');

    await page.getByLabel('Organisation', { exact: true }).selectOption({ label: BUN });
    await follow(() => page.getByRole('button', { name: 'Filtrera' }).click());
    expect(new URL(page.url()).search).toBe(`?organisationId=${org[BUN]}`);
    expect((await inboxRows()).map((row) => row['Svarar för'])).toEqual([BUN]);
    await check('inbox-filtered');
    await follow(() => page.getByRole('link', { name: 'Visa alla' }).click());
  });

  it('2. opens Servicenämnden’s remiss and downloads its draft and the memo draft', async () => {
    await follow(() =>
      page.getByRole('link', { name: `${ROUND_TITLE} – svar för ${SFN}`, exact: true }).click(),
    );
    expect(path()).toBe(`/inbox/${recipient[SFN]}`);
    expect(await h1()).toBe(ROUND_TITLE);
    const main = await mainText();
    expect(main).toContain(`Svarar för\n${SFN}`);
    expect(main).toContain(`Ni svarar för ${SFN}.`);
    expect(main).not.toContain('har passerat');
    await check('entry');

    const [draft] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: `${ks}-1 Förslag till strategi` }).click(),
    ]);
    expect(readFileSync(await draft.path())).toEqual(fixture.draftBytes);

    const [memo] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Ladda ned utkast till tjänsteskrivelse (Word)' }).click(),
    ]);
    expect(memo.suggestedFilename()).toBe(`Tjänsteskrivelse SFN ${year}-0001.docx`);
    const text = await docxText(readFileSync(await memo.path()));
    expect(text).toContain('TJÄNSTESKRIVELSE');
    expect(text).toContain('UTKAST');
    expect(text).toContain(`SFN ${year}/0001`);
    expect(text).toContain(`(dnr ${ks})`);
    expect(text).toContain(SFN);
  });

  it('3. answers with a comment on a section, a decision reference and a file, and reads the receipt', async () => {
    await page.getByLabel('Tillstyrker med synpunkter', { exact: true }).check();
    await page.getByLabel('Sammanfattning', { exact: true }).fill(SUMMARY);
    await page.getByLabel(`${SECTIONS[0].ref} ${SECTIONS[0].title}`).fill(COMMENT);
    await page.getByLabel('Beslutande organ', { exact: true }).fill(SFN);
    await page.getByLabel('Beslutsdatum', { exact: true }).fill(stockholmDay(0));
    await page.getByLabel('Paragraf', { exact: true }).fill('§ 45');
    await page.getByLabel('Ert diarienummer', { exact: true }).fill(`sfn ${year}/130`);
    await page.getByLabel('Bifoga filer', { exact: true }).setInputFiles({
      name: 'Yttrande Servicenämnden.pdf',
      mimeType: 'application/pdf',
      buffer: pdf('Yttrande från Servicenämnden'),
    });
    await follow(() => page.getByRole('button', { name: 'Skicka svaret' }).click());
    expect(path()).toMatch(new RegExp(`^/inbox/${recipient[SFN]}/responses/\\d+$`));
    expect(await h1()).toBe('Ert svar är registrerat');
    // The sender's case has the draft as -1; the answer is its -2. Our own case has the remiss's
    // cover letter and draft as they came in (-1, -2) and the answer as it went out (-3).
    expect(await page.locator('#receipt').innerText()).toBe(
      `Svaret från ${SFN} är registrerat hos Kommunstyrelsen som ${ks}-2.`,
    );
    const main = await mainText();
    expect(main).toContain(`Registrerat hos Kommunstyrelsen\n${ks}-2 (ärende ${ks})`);
    expect(main).toContain(
      `Registrerat i vårt ärende\nSFN ${year}/0001-3 (ärende SFN ${year}/0001)`,
    );
    expect(main).toContain('Ställningstagande\nTillstyrker med synpunkter');
    await check('receipt');

    const [answer] = await answersOf(false);
    expect(answer).toMatchObject({
      organisation: { name: SFN },
      position: 'approve_with_comments',
      summary: SUMMARY,
      comments: [{ sectionRef: SECTIONS[0].ref, text: COMMENT }],
      decision: {
        organ: SFN,
        date: stockholmDay(0),
        paragraph: '45',
        caseNumber: `SFN ${year}/0130`,
      },
      late: false,
      current: true,
      supersedesId: null,
      documentNumber: `${ks}-2`,
      replyDocumentNumber: `SFN ${year}/0001-3`,
    });
  });

  it('4. is warned before replacing the answer: refused without the confirmation, taken with it', async () => {
    await follow(() => page.getByRole('link', { name: 'Tillbaka till remissen' }).click());
    expect(path()).toBe(`/inbox/${recipient[SFN]}`);
    expect(await page.locator('#answered').innerText()).toBe(
      `${SFN} har redan svarat ${stockholmDay(0)} (Tillstyrker med synpunkter). Svaret är registrerat som ${ks}-2. Ett nytt svar ersätter det tidigare.`,
    );
    await check('entry-answered');
    const before = await responseCount();
    await page.getByLabel('Avstyrker', { exact: true }).check();
    await page
      .getByLabel('Sammanfattning', { exact: true })
      .fill('Nämnden avstyrker efter nytt beslut.');
    await page.getByLabel(`${SECTIONS[1].ref} ${SECTIONS[1].title}`).fill('Civilsamhället saknas.');
    await follow(() => page.getByRole('button', { name: 'Skicka svaret' }).click());
    expect(path()).toBe(`/inbox/${recipient[SFN]}/answer`);
    expect(await errorSummary().getByRole('listitem').allInnerTexts()).toEqual([
      'Kryssa i att du vill ersätta det tidigare svaret för att skicka ett nytt svar.',
    ]);
    // What was typed is kept, and nothing was written.
    expect(await page.getByLabel('Avstyrker', { exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel('Sammanfattning', { exact: true }).inputValue()).toBe(
      'Nämnden avstyrker efter nytt beslut.',
    );
    expect(await page.getByLabel(`${SECTIONS[1].ref} ${SECTIONS[1].title}`).inputValue()).toBe(
      'Civilsamhället saknas.',
    );
    expect(await responseCount()).toBe(before);
    await check('replace-refused');

    await page.getByLabel(REPLACE_LABEL, { exact: true }).check();
    await follow(() => page.getByRole('button', { name: 'Skicka svaret' }).click());
    expect(path()).toMatch(new RegExp(`^/inbox/${recipient[SFN]}/responses/\\d+$`));
    expect(await page.locator('#receipt').innerText()).toBe(
      `Svaret från ${SFN} är registrerat hos Kommunstyrelsen som ${ks}-3.`,
    );
    expect(await mainText()).toContain('Ersätter\nErt tidigare svar på remissen');
    await check('receipt-replaced');
    const history = await answersOf(true);
    expect(history.map((a) => [a.position, a.current])).toEqual([
      ['approve_with_comments', false],
      ['reject', true],
    ]);
    expect(history[1].supersedesId).toBe(history[0].id);
    expect(history[1].comments).toEqual([
      { sectionRef: SECTIONS[1].ref, text: 'Civilsamhället saknas.' },
    ]);
  });

  it('5. refused input shows the error summary, keeps every typed value and writes nothing', async () => {
    await page.goto(`${base}/inbox/${recipient[BUN]}`);
    expect(await page.locator('#answered').count()).toBe(0);
    expect(await page.getByLabel(REPLACE_LABEL).count()).toBe(0);
    const before = await responseCount();
    await page.getByLabel(`${SECTIONS[0].ref} ${SECTIONS[0].title}`).fill('En synpunkt.');
    await page.getByLabel('Beslutsdatum', { exact: true }).fill('i går');
    await page.getByLabel('Paragraf', { exact: true }).fill('12');
    await follow(() => page.getByRole('button', { name: 'Skicka svaret' }).click());
    expect(await page.title()).toBe(`Fel i svaret: ${ROUND_TITLE} – Remiss – Kalmar kommun`);
    expect(await errorSummary().getByRole('listitem').allInnerTexts()).toEqual([
      'Välj ett ställningstagande.',
      'Ange beslutsdatum som ÅÅÅÅ-MM-DD, till exempel 2026-09-08.',
    ]);
    expect(await page.getByLabel(`${SECTIONS[0].ref} ${SECTIONS[0].title}`).inputValue()).toBe(
      'En synpunkt.',
    );
    expect(await page.getByLabel('Beslutsdatum', { exact: true }).inputValue()).toBe('i går');
    expect(await page.getByLabel('Paragraf', { exact: true }).inputValue()).toBe('12');
    expect(await responseCount()).toBe(before);
    // A post without the session's CSRF token is refused and writes nothing.
    const forged = await page.request.post(`${base}/inbox/${recipient[BUN]}/answer`, {
      multipart: { position: 'approve' },
    });
    expect(forged.status()).toBe(403);
    expect(await responseCount()).toBe(before);
    // The summary's links lead to the fields.
    expect(await errorSummary().getByRole('link').first().getAttribute('href')).toBe('#position');
    await check('answer-refused');
  });

  it('6. answers for Barn- och ungdomsnämnden by keyboard alone (Tab, arrows, Space, Enter and typing)', async () => {
    const keyboard = await browser.newPage({ javaScriptEnabled: false });
    const press = async (key = 'Enter') => {
      await Promise.all([keyboard.waitForNavigation(), keyboard.keyboard.press(key)]);
    };
    const unseen: string[] = [];
    const tabTo = async (target: Parameters<typeof pressTabUntil>[1]) => {
      await pressTabUntil(keyboard, target, { limit: 200 });
      const [style, width] = (await focusOutline(keyboard)).split(' ');
      if (style === 'none' || !(parseFloat(width) >= 2)) unseen.push(await describeFocus(keyboard));
    };
    try {
      await keyboard.goto(`${base}/login`);
      await tabTo(keyboard.getByLabel('E-postadress', { exact: true }));
      await keyboard.keyboard.type(respondent.email);
      await tabTo(keyboard.getByLabel('Lösenord', { exact: true }));
      await keyboard.keyboard.type(respondent.password);
      await press();
      await tabTo(
        keyboard
          .getByRole('navigation', { name: 'Huvudmeny' })
          .getByRole('link', { name: 'Inkorg', exact: true }),
      );
      await press();
      await tabTo(
        keyboard.getByRole('link', { name: `${ROUND_TITLE} – svar för ${BUN}`, exact: true }),
      );
      await press();
      expect(path(keyboard)).toBe(`/inbox/${recipient[BUN]}`);
      // Tab enters the radio group at its first choice; the arrows move the choice.
      await tabTo(keyboard.getByLabel('Tillstyrker', { exact: true }));
      for (let i = 0; i < 3; i += 1) await keyboard.keyboard.press('ArrowDown');
      expect(await keyboard.getByLabel('Inget att invända', { exact: true }).isChecked()).toBe(
        true,
      );
      await tabTo(keyboard.getByLabel('Sammanfattning', { exact: true }));
      await keyboard.keyboard.type('Nämnden har inget att invända.');
      await tabTo(keyboard.getByLabel('Beslutande organ', { exact: true }));
      await keyboard.keyboard.type(BUN);
      await tabTo(keyboard.getByRole('button', { name: 'Skicka svaret' }));
      await press();
      expect(path(keyboard)).toMatch(new RegExp(`^/inbox/${recipient[BUN]}/responses/\\d+$`));
      expect(await keyboard.locator('#receipt').innerText()).toBe(
        `Svaret från ${BUN} är registrerat hos Kommunstyrelsen som ${ks}-4.`,
      );
      expect(unseen).toEqual([]);
    } finally {
      await keyboard.close();
    }
    const bun = (await answersOf(false)).find((a) => a.organisation.name === BUN);
    expect(bun).toMatchObject({
      position: 'no_comments',
      summary: 'Nämnden har inget att invända.',
      // Our own case is named when no case number is given.
      decision: { organ: BUN, caseNumber: `BUN ${year}/0001` },
      replyDocumentNumber: `BUN ${year}/0001-3`,
    });
  });

  it('7. is refused another organisation’s remiss, and sees only its own in the inbox', async () => {
    const other = await newPage(browser);
    try {
      await signInPage(other, base, outsider.email, outsider.password);
      for (const target of [
        `/inbox/${recipient[SFN]}`,
        `/inbox/${recipient[SFN]}/memo.docx`,
        `/inbox/${recipient[SFN]}/documents/${fixture.draftId}`,
        `/inbox/${lateRecipientId}`,
      ]) {
        const answer = await other.request.get(`${base}${target}`);
        expect({ target, status: answer.status() }).toEqual({ target, status: 404 });
      }
      // A post of an answer for another organisation's entry writes nothing either.
      await other.goto(`${base}/inbox`);
      const csrf = await other.evaluate<string>(
        `document.querySelector('input[name=_csrf]')?.value ?? ''`,
      );
      expect(csrf).not.toBe('');
      const before = await responseCount();
      const posted = await other.request.post(
        `${base}/inbox/${recipient[SFN]}/answer?_csrf=${encodeURIComponent(csrf)}`,
        { multipart: { position: 'approve' } },
      );
      expect(posted.status()).toBe(404);
      expect(await responseCount()).toBe(before);
      const refused = await other.goto(`${base}/inbox/${recipient[SFN]}`);
      expect(refused!.status()).toBe(404);
      await check('other-organisation', other);

      await other.goto(`${base}/inbox`);
      expect(await other.getByRole('table').locator('tbody tr').allInnerTexts()).toHaveLength(1);
      expect(await other.getByRole('main').innerText()).not.toContain(SFN);
      // A single organisation's inbox has no organisation filter or column.
      expect(await other.getByLabel('Organisation').count()).toBe(0);
      await check('inbox-single', other);

      // Paged with the API's keyset cursor: 51 remisses make a page of 50 and a page of 1.
      for (let index = 1; index <= 50; index += 1) {
        await open({
          title: `Remiss nummer ${index}`,
          deadline: stockholmDay(40),
          recipientOrganisationIds: [org[KFN]],
        });
      }
      await other.goto(`${base}/inbox`);
      const rows = other.getByRole('table').locator('tbody tr');
      expect(await rows.count()).toBe(50);
      expect(await other.getByRole('link', { name: 'Föregående' }).count()).toBe(0);
      await follow(() => other.getByRole('link', { name: 'Nästa' }).click(), other);
      expect(await rows.allInnerTexts()).toEqual([expect.stringContaining('Remiss nummer 50')]);
      expect(await other.getByRole('link', { name: 'Nästa' }).count()).toBe(0);
      await check('inbox-page-2', other);
      await follow(() => other.getByRole('link', { name: 'Föregående' }).click(), other);
      expect(path(other)).toBe('/inbox');
      expect(new URL(other.url()).search).toBe('');
      expect(await rows.count()).toBe(50);
    } finally {
      await other.close();
    }
    // Other roles have no inbox pages.
    const registrar = await newPage(browser);
    try {
      await signInPage(registrar, base, fixture.registrar.email, fixture.registrar.password);
      expect((await registrar.goto(`${base}/inbox`))!.status()).toBe(403);
    } finally {
      await registrar.close();
    }
  });

  it('8. with the clock past a deadline, is told the answer is late, and it is taken as late', async () => {
    // Eleven days on: the late round's deadline has passed (the first round's has not).
    t.config.clockOffsetMs += 11 * DAY_MS;
    await signInPage(page, base, respondent.email, respondent.password);
    await page.goto(`${base}/inbox`);
    const rows = await inboxRows();
    expect(rows.map((row) => [row.Remiss, row['Svarar för'], row.Status])).toEqual([
      [LATE_TITLE, SFN, 'sen'],
      [ROUND_TITLE, SFN, 'besvarad'],
      [ROUND_TITLE, BUN, 'besvarad'],
    ]);
    await check('inbox-late');
    await follow(() =>
      page.getByRole('link', { name: `${LATE_TITLE} – svar för ${SFN}`, exact: true }).click(),
    );
    expect(await page.locator('#late').innerText()).toBe(
      `Sista svarsdag ${lateDeadline} har passerat. Svaret tas ändå emot, men registreras som sent.`,
    );
    await check('entry-late');
    await page.getByLabel('Avstår från att svara', { exact: true }).check();
    await follow(() => page.getByRole('button', { name: 'Skicka svaret' }).click());
    expect(await h1()).toBe('Ert svar är registrerat');
    expect(await mainText()).toContain(`Inskickat\n${stockholmDay(11)}`);
    expect(await mainText()).toContain('(efter sista svarsdag, registrerat som sent)');
    await check('receipt-late');
    const [late] = await answersOf(false, lateRoundId);
    expect(late).toMatchObject({ position: 'declined', late: true, current: true });
    await page.goto(`${base}/inbox`);
    expect((await inboxRows())[0].Status).toBe('avstått (sent)');
  });
  it('9. does not see a round that is still a draft, in the page or the API', async () => {
    const draft = await t
      .http()
      .post(`/api/cases/${fixture.caseId}/rounds`)
      .set('Authorization', fixture.registrar.auth)
      .send({
        documentIds: [fixture.draftId],
        title: 'Utkast som inte är skickat',
        deadline,
        recipientOrganisationIds: [org[SFN]],
      });
    expect(draft.status).toBe(201);
    await page.goto(`${base}/inbox`);
    expect(await page.getByRole('main').innerText()).not.toContain('Utkast som inte är skickat');
    const api = await t.http().get('/api/inbox').set('Authorization', respondent.auth);
    expect(api.status).toBe(200);
    expect(
      (api.body.items as { round: { id: number } }[]).filter(
        (item) => item.round.id === draft.body.id,
      ),
    ).toEqual([]);
  });
});
