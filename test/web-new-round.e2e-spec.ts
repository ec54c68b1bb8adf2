import {
  browserMissing,
  elementsPastRightEdge,
  expectNoAxeViolations,
  launchBrowser,
  newPage,
  screenshot,
} from './helpers/browser.js';
import { createOrganisation } from './helpers/factories.js';
import { caseWithDraft, type RoundFixture } from './helpers/round-fixtures.js';
import { SmtpSink, waitFor } from './helpers/smtp-sink.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { stockholmDay } from './helpers/test-clock.js';
import { csrfOf, pageText, signInAgent, type Agent } from './helpers/web-agent.js';
import { signInPage } from './helpers/web-session.js';

/** The next 25 December (juldagen) on or after the tests' today: a holiday within two years. */
function nextChristmas(): string {
  const today = stockholmDay(0);
  const year = Number(today.slice(0, 4));
  const day = `${year}-12-25`;
  return day >= today ? day : `${year + 1}-12-25`;
}

describe('staff pages: opening a round on a case (/cases/:id/rounds/new)', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let fixture: RoundFixture;
  let companies: { id: number; email: string }[];
  let outside: { id: number };
  let agent: Agent;

  const rounds = async () =>
    Number((await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM referral_round'))[0].n);

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, MAIL_RETRY_DELAY_MS: '100' });
    fixture = await caseWithDraft(t, 3);
    companies = [];
    for (const [name, email] of [
      ['Kalmar Vatten AB', 'vatten@kalmar.test'],
      ['Kalmarhem AB', 'kalmarhem@kalmar.test'],
    ]) {
      const { id } = await createOrganisation(t, fixture.admin, { name, kind: 'company', email });
      companies.push({ id, email });
    }
    outside = await createOrganisation(t, fixture.admin, {
      name: 'Länsstyrelsen i Kalmar län',
      kind: 'external',
      email: 'lansstyrelsen@kalmar.test',
    });
    agent = await signInAgent(t, fixture.registrar.email, fixture.registrar.password);
  });

  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('shows the form: documents, consultees by kind and one by one, section rows, reminders', async () => {
    const page = await agent.get(`/cases/${fixture.caseId}/rounds/new`).expect(200);
    expect(page.text).toContain('<h1 class="ds-heading">Ny remiss</h1>');
    expect(page.text).toContain(`value="${fixture.draftId}"`);
    expect(pageText(page.text)).toContain(`${fixture.caseNumber}-1 Förslag till strategi`);
    expect(page.text).toMatch(
      /value="committee\+company"[^>]*><label[^>]*>Alla nämnder och bolag</,
    );
    expect(page.text).toContain('<legend class="ds-label">Nämnder</legend>');
    expect(page.text).toContain('<legend class="ds-label">Bolag</legend>');
    expect(page.text).toContain(`id="org-${outside.id}"`);
    expect(page.text.match(/name="sectionRef"/g)).toHaveLength(5);
    expect(page.text).toContain('Standard (7 och 1 dagar före, 1 dag efter)');
    expect(page.text).toMatch(/id="reminderChoice" name="reminderChoice" value="default" checked/);
  });

  it('adds section rows without JavaScript, keeping what was typed', async () => {
    const page = await agent.get(`/cases/${fixture.caseId}/rounds/new`).expect(200);
    const more = await agent
      .post(`/cases/${fixture.caseId}/rounds/new`)
      .type('form')
      .send(
        [
          `_csrf=${encodeURIComponent(csrfOf(page.text))}`,
          'title=Plan',
          'rows=5',
          'sectionRef=1',
          'sectionTitle=Inledning',
          ...Array(4).fill('sectionRef=&sectionTitle='),
          'addRows=1',
        ].join('&'),
      )
      .expect(200);
    expect(more.text.match(/name="sectionRef"/g)).toHaveLength(10);
    expect(more.text).toContain('id="sectionRef-1" name="sectionRef" value="1"');
    expect(more.text).toContain('value="Inledning"');
    expect(more.text).toContain('name="title" aria-describedby="title-hint" value="Plan"');
    expect(more.text).not.toContain('error-summary');
    expect(await rounds()).toBe(0);
  });

  it('refuses a round with no consultees or a past deadline: summary, typed values kept, nothing written', async () => {
    const page = await agent.get(`/cases/${fixture.caseId}/rounds/new`).expect(200);
    const refused = await agent
      .post(`/cases/${fixture.caseId}/rounds/new`)
      .type('form')
      .send(
        [
          `_csrf=${encodeURIComponent(csrfOf(page.text))}`,
          'title=Remiss utan mottagare',
          `documentIds=${fixture.draftId}`,
          'sectionRef=4.3+a',
          'sectionTitle=Kompetensutveckling',
          'sectionRef=&sectionTitle=',
          `deadline=${stockholmDay(-1)}`,
          'message=Hej',
          'reminderChoice=custom',
          'daysBefore=5',
          'overdueDaysAfter=2',
        ].join('&'),
      )
      .expect(400);
    const text = pageText(refused.text);
    expect(refused.text).toContain('id="error-summary"');
    expect(refused.text).toContain(
      '<li><a class="ds-link" href="#recipientKinds">Välj remissinstanser: efter slag eller en och en</a></li>',
    );
    expect(text).toContain(
      `Sista svarsdag har redan passerat; välj i dag (${stockholmDay(0)}) eller senare`,
    );
    expect(refused.text).toContain('href="#deadline"');
    // What was typed is all there.
    expect(refused.text).toContain('value="Remiss utan mottagare"');
    expect(refused.text).toMatch(new RegExp(`value="${fixture.draftId}" checked`));
    expect(refused.text).toContain('id="sectionRef-1" name="sectionRef" value="4.3 a"');
    expect(refused.text).toContain('value="Kompetensutveckling"');
    expect(refused.text).toContain(`value="${stockholmDay(-1)}"`);
    expect(refused.text).toContain('>Hej</textarea>');
    expect(refused.text).toMatch(/value="custom" checked/);
    expect(refused.text).toContain(
      'id="daysBefore" name="daysBefore" aria-describedby="daysBefore-hint" value="5"',
    );
    expect(await rounds()).toBe(0);

    // Organisations picked one by one stay checked when something else is refused.
    const again = await agent
      .post(`/cases/${fixture.caseId}/rounds/new`)
      .type('form')
      .send(
        [
          `_csrf=${encodeURIComponent(csrfOf(page.text))}`,
          'title=Remiss',
          `recipientOrganisationIds=${outside.id}`,
          `deadline=${stockholmDay(30)}`,
          'sectionRef=%21%21&sectionTitle=Fel+nummer',
        ].join('&'),
      )
      .expect(400);
    expect(again.text).toContain(
      `id="org-${outside.id}" name="recipientOrganisationIds" value="${outside.id}" checked`,
    );
    expect(again.text).toContain('href="#documentIds">Välj minst en handling att skicka');
    expect(again.text).toContain('href="#sectionRef-1"');
    expect(again.text).toContain('id="sectionRef-1-error"');
    expect(await rounds()).toBe(0);
  });

  it('opens a round to "alla nämnder och bolag" with two sections, warns of the holiday, and sends on confirmation', async () => {
    const deadline = nextChristmas();
    const page = await agent.get(`/cases/${fixture.caseId}/rounds/new`).expect(200);
    const created = await agent
      .post(`/cases/${fixture.caseId}/rounds/new`)
      .type('form')
      .send(
        [
          `_csrf=${encodeURIComponent(csrfOf(page.text))}`,
          'title=Strategi+för+inkludering',
          `documentIds=${fixture.draftId}`,
          'recipientKinds=committee%2Bcompany',
          'sectionRef=1&sectionTitle=Inledning',
          'sectionRef=&sectionTitle=',
          'sectionRef=4.3+a&sectionTitle=Kompetensutveckling',
          'sectionRef=&sectionTitle=',
          'sectionRef=&sectionTitle=',
          `deadline=${deadline}`,
          'message=Synpunkter+önskas.',
          'decisionItemId=',
          'reminderChoice=default',
          'daysBefore=&overdueDaysAfter=',
        ].join('&'),
      )
      .expect(303);
    const match = new RegExp(`^/cases/${fixture.caseId}/rounds/(\\d+)/send$`).exec(
      created.headers.location,
    );
    expect(match).not.toBeNull();
    const roundId = Number(match![1]);
    const [round] = await t.sql<{
      status: string;
      deadline: string;
      sections: string;
      title: string;
    }>('SELECT status, deadline, sections, title FROM referral_round WHERE id = ?', [roundId]);
    expect(round).toMatchObject({ status: 'draft', deadline, title: 'Strategi för inkludering' });
    expect(JSON.parse(round.sections)).toEqual([
      { ref: '1', title: 'Inledning' },
      { ref: '4.3 a', title: 'Kompetensutveckling' },
    ]);
    const recipients = await t.sql<{ organisationId: number }>(
      'SELECT organisation_id AS organisationId FROM referral_round_recipient WHERE round_id = ? ORDER BY organisation_id',
      [roundId],
    );
    const expected = [...fixture.committees.map((c) => c.id), ...companies.map((c) => c.id)].sort(
      (a, b) => a - b,
    );
    expect(recipients.map((row) => Number(row.organisationId))).toEqual(expected);
    expect(sink.mails).toHaveLength(0);

    const confirm = await agent.get(created.headers.location).expect(200);
    const text = pageText(confirm.text);
    expect(text).toContain('Remissen sparades som utkast');
    expect(text).toContain('Kontrollera innan du skickar');
    expect(text).toMatch(
      new RegExp(
        `Sista svarsdag ${deadline} är en helgdag \\(juldagen, en \\S+\\), inte en arbetsdag`,
      ),
    );
    expect(text).toContain('Skickas till 5 mottagare');
    expect(confirm.text).toContain(`href="/rounds/${roundId}"`);

    const sent = await agent
      .post(`/cases/${fixture.caseId}/rounds/${roundId}/send`)
      .type('form')
      .send({ _csrf: csrfOf(confirm.text) })
      .expect(303);
    expect(sent.headers.location).toBe(`/rounds/${roundId}`);
    const addresses = [...fixture.committees.map((c) => c.email), ...companies.map((c) => c.email)];
    await waitFor(
      () => sink.mails.length,
      (count) => count >= addresses.length,
    );
    expect(sink.mails.map((mail) => mail.to).sort()).toEqual(addresses.sort());
    const statuses = await t.sql<{ status: string }>(
      'SELECT status FROM referral_round_recipient WHERE round_id = ?',
      [roundId],
    );
    expect(statuses.every((row) => row.status === 'sent')).toBe(true);
    const next = await agent.get(`/rounds/${roundId}`).expect(200);
    expect(pageText(next.text)).toContain('Remissen skickades till 5 mottagare');

    // Sending again sends nothing more.
    const after = await agent.get(`/cases/${fixture.caseId}/rounds/${roundId}/send`).expect(200);
    expect(pageText(after.text)).toContain('Remissen är redan skickad till alla');
  });

  it('shows why the send refused and sends nothing (a consultee without an e-mail address)', async () => {
    const silent = await createOrganisation(t, fixture.admin, {
      name: 'Föreningen utan e-post',
      kind: 'external',
    });
    const page = await agent.get(`/cases/${fixture.caseId}/rounds/new`).expect(200);
    const created = await agent
      .post(`/cases/${fixture.caseId}/rounds/new`)
      .type('form')
      .send(
        [
          `_csrf=${encodeURIComponent(csrfOf(page.text))}`,
          'title=Remiss+till+en+förening',
          `documentIds=${fixture.draftId}`,
          `recipientOrganisationIds=${silent.id}`,
          `deadline=${stockholmDay(40)}`,
        ].join('&'),
      )
      .expect(303);
    const confirm = await agent.get(created.headers.location).expect(200);
    expect(pageText(confirm.text)).toContain('Föreningen utan e-post – e-postadress saknas');
    const mailsBefore = sink.mails.length;
    const refused = await agent
      .post(created.headers.location)
      .type('form')
      .send({ _csrf: csrfOf(confirm.text) })
      .expect(409);
    expect(pageText(refused.text)).toContain(
      'Remissen kunde inte skickas E-postadress saknas för Föreningen utan e-post.',
    );
    const roundId = Number(/rounds\/(\d+)\/send/.exec(created.headers.location)![1]);
    const [round] = await t.sql<{ status: string }>(
      'SELECT status FROM referral_round WHERE id = ?',
      [roundId],
    );
    expect(round.status).toBe('draft');
    expect(sink.mails.length).toBe(mailsBefore);
  });

  it('is for registrars and admins: a reader gets 403, an unknown case 404', async () => {
    const { createUser } = await import('./helpers/factories.js');
    const reader = await createUser(t, fixture.admin, ['reader']);
    const readerAgent = await signInAgent(t, reader.email, reader.password);
    await readerAgent.get(`/cases/${fixture.caseId}/rounds/new`).expect(403);
    await agent.get('/cases/999999/rounds/new').expect(404);
  });

  (browserMissing ? it.skip : it)(
    'in Chromium: the form, a refused post and the confirmation pass axe and fit 320 px',
    async () => {
      const base = await t.listen();
      const browser = await launchBrowser();
      try {
        const page = await newPage(browser);
        await signInPage(page, base, fixture.registrar.email, fixture.registrar.password);
        await page.goto(`${base}/cases/${fixture.caseId}/rounds/new`);
        await page.getByText('En och en').click();
        await expectNoAxeViolations(page, 'new round');
        await screenshot(page, 'new-round');
        await page.setViewportSize({ width: 320, height: 640 });
        expect(await elementsPastRightEdge(page)).toEqual([]);
        await page.setViewportSize({ width: 1280, height: 800 });

        // Refused: nothing chosen, the deadline in the past.
        await page.getByLabel('Rubrik', { exact: true }).fill('Remiss i webbläsaren');
        await page.getByLabel('Sista svarsdag', { exact: true }).fill(stockholmDay(-1));
        // Enter in a field saves (it does not add rows).
        await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
        expect(await page.locator('#error-summary').isVisible()).toBe(true);
        expect(await page.locator('input[name="sectionRef"]').count()).toBe(5);
        expect(await page.getByLabel('Rubrik', { exact: true }).inputValue()).toBe(
          'Remiss i webbläsaren',
        );
        await expectNoAxeViolations(page, 'new round, refused');
        await screenshot(page, 'new-round-refused');

        await page.getByLabel('Alla nämnder och bolag').check();
        await page.getByLabel(`${fixture.caseNumber}-1 Förslag till strategi`).check();
        await page.getByLabel('Nummer på punkt 1').fill('1');
        await page.getByLabel('Rubrik på punkt 1').fill('Inledning');
        await page.getByLabel('Nummer på punkt 2').fill('2');
        await page.getByLabel('Rubrik på punkt 2').fill('Åtgärder');
        await page.getByLabel('Sista svarsdag', { exact: true }).fill(nextChristmas());
        await Promise.all([
          page.waitForNavigation(),
          page.getByRole('button', { name: 'Spara och granska' }).click(),
        ]);
        expect(page.url()).toMatch(/\/rounds\/\d+\/send$/);
        expect(await page.locator('#warnings').textContent()).toContain('juldagen');
        await expectNoAxeViolations(page, 'confirm send');
        await screenshot(page, 'new-round-confirm');
        await page.setViewportSize({ width: 320, height: 640 });
        expect(await elementsPastRightEdge(page)).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
