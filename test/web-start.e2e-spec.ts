import {
  browserMissing,
  elementsPastRightEdge,
  expectNoAxeViolations,
  launchBrowser,
  newPage,
  screenshot,
} from './helpers/browser.js';
import { createUser } from './helpers/factories.js';
import { caseWithDraft, sendRound, type RoundFixture } from './helpers/round-fixtures.js';
import { SmtpSink, waitFor } from './helpers/smtp-sink.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { stockholmDay } from './helpers/test-clock.js';
import { pageText, signInAgent } from './helpers/web-agent.js';
import { signInPage } from './helpers/web-session.js';

/** The part of the page under a section's h2, up to the next section. */
function section(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) throw new Error(`No section ${id}`);
  const end = html.indexOf('</section>', start);
  return html.slice(start, end);
}

describe('staff pages: the start page ("what needs doing")', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let fixture: RoundFixture;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({
      SMTP_URL: sink.url,
      MAIL_RETRY_DELAY_MS: '100',
      MAIL_MAX_ATTEMPTS: '2',
    });
    fixture = await caseWithDraft(t, 4);
  });

  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('shows each section empty when nothing needs doing, and other roles a plain start', async () => {
    const agent = await signInAgent(t, fixture.registrar.email, fixture.registrar.password);
    const page = await agent.get('/').expect(200);
    const text = pageText(page.text);
    expect(page.text).toContain('<h1 class="ds-heading">Start</h1>');
    expect(text).toContain('Svar att ta hand om');
    expect(text).toContain('Inga nya svar.');
    expect(text).toContain('Inga misslyckade utskick.');
    expect(text).toContain('Ingen har svarstid som går ut denna vecka.');
    expect(text).toContain('Inga försenade svar.');

    const reader = await createUser(t, fixture.admin, ['reader']);
    const readerPage = await (
      await signInAgent(t, reader.email, reader.password)
    )
      .get('/')
      .expect(200);
    expect(readerPage.text).toContain('<h1 class="ds-heading">Start</h1>');
    expect(readerPage.text).not.toContain('Svar att ta hand om');
    expect(pageText(readerPage.text)).toContain('Remisser – följ upp remissrundor');
  });

  it('lists answers, failed deliveries, deadlines this week and overdue consultees, each linking to its round', async () => {
    const [n1, n2, n3, n4] = fixture.committees;
    sink.policy = (address) =>
      address === n4.email ? { code: 550, message: '5.1.1 No such mailbox' } : null;
    const answered = await sendRound(t, fixture, {
      title: 'Översiktsplan',
      recipientOrganisationIds: [n1.id, n4.id],
    });
    const dueToday = await sendRound(t, fixture, {
      title: 'Taxa för vatten',
      deadline: stockholmDay(0),
      recipientOrganisationIds: [n2.id],
    });
    const late = await sendRound(t, fixture, {
      title: 'Kulturstrategi',
      recipientOrganisationIds: [n3.id],
    });
    await waitFor(
      () =>
        t.sql<{ status: string }>(
          'SELECT status FROM referral_round_recipient WHERE round_id = ? AND organisation_id = ?',
          [answered.id, n4.id],
        ),
      (rows) => rows[0]?.status === 'failed',
    );
    // The overdue round's deadline is moved into the past (the API refuses a past deadline).
    await t.sql('UPDATE referral_round SET deadline = ? WHERE id = ?', [stockholmDay(-3), late.id]);
    const respondent = await createUser(t, fixture.admin, ['respondent'], [n1.id]);
    await t
      .http()
      .post(`/api/rounds/${answered.id}/responses`)
      .set('Authorization', respondent.auth)
      .send({ organisationId: n1.id, position: 'approve' })
      .expect(201);

    const agent = await signInAgent(t, fixture.registrar.email, fixture.registrar.password);
    const page = await agent.get('/').expect(200);

    const answers = section(page.text, 'answers-heading');
    expect(answers).toContain(`<a class="ds-link" href="/rounds/${answered.id}">Översiktsplan</a>`);
    expect(pageText(answers)).toContain(
      `${fixture.caseNumber} 1 ${stockholmDay(0)} ${stockholmDay(30)}`,
    );
    expect(answers).not.toContain('Taxa för vatten');

    const failed = section(page.text, 'failed-heading');
    expect(failed).toContain(`<th scope="row">${n4.name}</th>`);
    expect(failed).toContain(`href="/rounds/${answered.id}"`);
    expect(failed).toContain('550');
    expect(failed).not.toContain(n1.name);

    const week = section(page.text, 'week-heading');
    expect(week).toContain(`<th scope="row">${n2.name}</th>`);
    expect(week).toContain(`href="/rounds/${dueToday.id}">Taxa för vatten</a>`);
    expect(pageText(week)).toContain(stockholmDay(0));
    expect(week).not.toContain(n1.name);
    expect(week).not.toContain(n3.name);

    const overdue = section(page.text, 'overdue-heading');
    expect(overdue).toContain(`<th scope="row">${n3.name}</th>`);
    expect(overdue).toContain(`href="/rounds/${late.id}">Kulturstrategi</a>`);
    expect(pageText(overdue)).toContain(stockholmDay(-3));
    expect(overdue).not.toContain(n2.name);

    // Once answered, a consultee leaves "this week".
    const respondent2 = await createUser(t, fixture.admin, ['respondent'], [n2.id]);
    await t
      .http()
      .post(`/api/rounds/${dueToday.id}/responses`)
      .set('Authorization', respondent2.auth)
      .send({ organisationId: n2.id, position: 'approve' })
      .expect(201);
    const again = await agent.get('/').expect(200);
    expect(section(again.text, 'week-heading')).not.toContain(n2.name);
    expect(section(again.text, 'answers-heading')).toContain(`href="/rounds/${dueToday.id}"`);

    // An extension to today moves the overdue consultee into "this week".
    const [lateRecipient] = await t.sql<{ id: number }>(
      'SELECT id FROM referral_round_recipient WHERE round_id = ?',
      [late.id],
    );
    await t
      .http()
      .post(`/api/rounds/${late.id}/recipients/${lateRecipient.id}/extension`)
      .set('Authorization', fixture.registrar.auth)
      .send({ deadline: stockholmDay(0), reason: 'Nämnden sammanträder i dag' })
      .expect(201);
    const extended = await agent.get('/').expect(200);
    expect(section(extended.text, 'overdue-heading')).not.toContain(n3.name);
    expect(section(extended.text, 'week-heading')).toContain(`<th scope="row">${n3.name}</th>`);
  });

  (browserMissing ? it.skip : it)(
    'in Chromium: the start page passes axe and fits 320 px',
    async () => {
      const base = await t.listen();
      const browser = await launchBrowser();
      try {
        const page = await newPage(browser);
        await signInPage(page, base, fixture.registrar.email, fixture.registrar.password);
        await expectNoAxeViolations(page, 'start');
        await screenshot(page, 'start-registrar');
        await page.setViewportSize({ width: 320, height: 640 });
        expect(await elementsPastRightEdge(page)).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
