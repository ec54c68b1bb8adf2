import { instantAt } from '../src/common/clock.js';
import { addDays, workingDayOnOrAfter, workingDayOnOrBefore } from '../src/common/working-days.js';
import type { AppConfig } from '../src/config/env.schema.js';
import { createOrganisation } from './helpers/factories.js';
import {
  caseWithDraft,
  sendRound,
  stockholmDay,
  type RoundFixture,
} from './helpers/round-fixtures.js';
import { SmtpSink, waitFor, type ReceivedMail } from './helpers/smtp-sink.js';
import { startTestApp, TestApp } from './helpers/test-app.js';
import { testNow } from './helpers/test-clock.js';

const ZONE = 'Europe/Stockholm';
const LINK = /\/respond\/([A-Za-z0-9_-]{43})/;

describe('deadlines, extensions and reminders', () => {
  let sink: SmtpSink;
  let config: AppConfig;
  let t: TestApp;
  let fixture: RoundFixture;

  /** Stops the app and starts it again with its clock at `at` (CLOCK_OFFSET), same database. */
  async function restartAt(at: Date): Promise<void> {
    await t.close({ keepData: true });
    t = await startTestApp({}, { ...config, clockOffsetMs: at.getTime() - Date.now() });
  }
  const sweep = async () => {
    const response = await t
      .http()
      .post('/api/admin/reminders/sweep')
      .set('Authorization', fixture.admin);
    expect(response.status).toBe(200);
    return response.body as { queued: number; skipped: number };
  };
  const mailsOf = (subject: RegExp) => sink.mails.filter((mail) => subject.test(mail.subject));
  const settled = async (subject: RegExp, count: number) => {
    await waitFor(
      () => mailsOf(subject).length,
      (received) => received >= count,
    );
    await waitFor(
      async () =>
        Number(
          (
            await t.sql<{ n: number }>(
              "SELECT COUNT(*) AS n FROM mail_outbox WHERE status = 'pending'",
            )
          )[0].n,
        ),
      (pending) => pending === 0,
    );
    // Any duplicate would arrive now.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    return mailsOf(subject);
  };
  const addressesOf = (mails: ReceivedMail[]) => mails.map((mail) => mail.to).sort();

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, PUBLIC_URL: 'https://remiss.kalmar.test' });
    config = t.config;
    fixture = await caseWithDraft(t, 6);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('reminds once those who owe an answer, confirms an extension and spares the extended one', async () => {
    const [answering, declining, extended, ...silent] = fixture.committees;
    const deadline = stockholmDay(5);
    const { id, sent } = await sendRound(t, fixture, {
      title: 'Strategi för inkludering',
      deadline,
      recipientKinds: ['committee'],
    });
    expect(sent.status).toBe(200);
    await settled(/^Remiss: /, 6);

    // The default policy: 7 days before had passed when the invitations went, so it is skipped.
    const planned = await t
      .http()
      .get(`/api/rounds/${id}/reminders`)
      .set('Authorization', fixture.registrar.auth);
    expect(planned.status).toBe(200);
    const dayBefore = workingDayOnOrBefore(addDays(deadline, -1));
    const dayAfter = workingDayOnOrAfter(addDays(deadline, 1));
    const forFirst = planned.body.items.filter(
      (item: { organisation: string }) => item.organisation === answering.name,
    );
    expect(forFirst).toEqual([
      expect.objectContaining({ type: 'before', days: 7, status: 'skipped', deadline }),
      expect.objectContaining({
        type: 'before',
        days: 1,
        status: 'planned',
        dueAt: instantAt(dayBefore, 8, ZONE).toISOString(),
      }),
      expect.objectContaining({
        type: 'overdue',
        days: 1,
        status: 'planned',
        dueAt: instantAt(dayAfter, 8, ZONE).toISOString(),
      }),
    ]);

    // One committee answers and one declines (set directly until responses are taken in).
    await t.sql(
      "UPDATE referral_round_recipient SET status = 'answered', answered_at = UTC_TIMESTAMP(3) WHERE round_id = ? AND organisation_id = ?",
      [id, answering.id],
    );
    await t.sql(
      "UPDATE referral_round_recipient SET status = 'declined', answered_at = UTC_TIMESTAMP(3) WHERE round_id = ? AND organisation_id = ?",
      [id, declining.id],
    );

    // The day before the deadline, after 08:00: two sweeps, one set of reminders.
    await restartAt(instantAt(dayBefore, 9, ZONE));
    const first = await sweep();
    const second = await sweep();
    expect(second.queued).toBe(0);
    const reminders = await settled(/^Påminnelse: /, 4);
    expect(first.queued).toBeLessThanOrEqual(4);
    expect(addressesOf(reminders)).toEqual(
      [extended, ...silent].map((committee) => committee.email).sort(),
    );
    const reminder = reminders.find((mail) => mail.to === silent[0].email)!;
    expect(reminder.subject).toBe(
      `Påminnelse: svar senast ${deadline} – Strategi för inkludering (${fixture.caseNumber})`,
    );
    expect(reminder.text).toContain(`Till ${silent[0].name}`);
    const token = LINK.exec(reminder.text)![1];
    expect((await t.http().get(`/api/respond/${token}`)).body).toMatchObject({
      recipient: silent[0].name,
      deadline,
    });

    // Servicenämnden-style: more time for one committee.
    const extendedRecipient = (
      await t.http().get(`/api/rounds/${id}`).set('Authorization', fixture.registrar.auth)
    ).body.recipients.find(
      (r: { organisation: { id: number } }) => r.organisation.id === extended.id,
    );
    const newDeadline = addDays(deadline, 20);
    const grant = (body: Record<string, unknown>, recipientId = extendedRecipient.id) =>
      t
        .http()
        .post(`/api/rounds/${id}/recipients/${recipientId}/extension`)
        .set('Authorization', fixture.registrar.auth)
        .send(body);
    const tooEarly = await grant({ deadline: deadline, reason: 'Samma dag' });
    expect(tooEarly.status).toBe(400);
    expect(tooEarly.body.details).toEqual([
      {
        field: 'deadline',
        messages: [`deadline must be later than the current deadline ${deadline}`],
      },
    ]);
    expect((await grant({ deadline: newDeadline })).status).toBe(400);
    const answeredRecipient = (
      await t.http().get(`/api/rounds/${id}`).set('Authorization', fixture.registrar.auth)
    ).body.recipients.find(
      (r: { organisation: { id: number } }) => r.organisation.id === answering.id,
    );
    const late = await grant({ deadline: newDeadline, reason: 'Sent' }, answeredRecipient.id);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('recipient_not_awaiting_answer');
    const granted = await grant({
      deadline: newDeadline,
      reason: 'Nämnden sammanträder först efter svarsdagen.',
    });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({
      recipientId: extendedRecipient.id,
      previousDeadline: deadline,
      deadline: newDeadline,
      reason: 'Nämnden sammanträder först efter svarsdagen.',
      grantedBy: fixture.registrar.id,
    });
    const [confirmation] = await settled(/^Anstånd beviljat/, 1);
    expect(confirmation.to).toBe(extended.email);
    expect(confirmation.subject).toBe(
      `Anstånd beviljat till ${newDeadline}: Strategi för inkludering (${fixture.caseNumber})`,
    );
    expect(confirmation.text).toContain(`Tidigare sista dag var ${deadline}.`);
    expect(confirmation.text).toContain('Skäl: Nämnden sammanträder först efter svarsdagen.');

    // The day after the deadline: three overdue notices from five concurrent sweeps.
    await restartAt(instantAt(dayAfter, 9, ZONE));
    const concurrent = await Promise.all([1, 2, 3, 4, 5].map(() => sweep()));
    expect(concurrent.reduce((total, result) => total + result.queued, 0)).toBeLessThanOrEqual(3);
    const notices = await settled(/^Svarstiden har gått ut/, 3);
    expect(addressesOf(notices)).toEqual(silent.map((committee) => committee.email).sort());
    expect(notices[0].text).toContain(`gick ut den`);
    expect(mailsOf(/^Påminnelse: /)).toHaveLength(4);

    const round = await t
      .http()
      .get(`/api/rounds/${id}`)
      .set('Authorization', fixture.registrar.auth);
    expect(round.body.summary).toEqual({
      total: 6,
      answered: 1,
      declined: 1,
      pending: 1,
      overdue: 3,
      failed: 0,
    });
    const stillOwing = round.body.recipients.find(
      (r: { organisation: { id: number } }) => r.organisation.id === extended.id,
    );
    expect(stillOwing).toMatchObject({
      deadline: newDeadline,
      extended: true,
      overdue: false,
      extensions: [expect.objectContaining({ previousDeadline: deadline, deadline: newDeadline })],
    });

    const owing = await t
      .http()
      .get('/api/recipients?overdue=true')
      .set('Authorization', fixture.registrar.auth);
    expect(owing.status).toBe(200);
    expect(
      owing.body.items.map((item: { organisation: { name: string } }) => item.organisation.name),
    ).toEqual(silent.map((committee) => committee.name));
    expect(owing.body.items[0]).toMatchObject({
      overdue: true,
      deadline,
      round: { id, caseNumber: fixture.caseNumber, title: 'Strategi för inkludering' },
    });
    const one = await t
      .http()
      .get(`/api/recipients?overdue=true&organisationId=${silent[1].id}`)
      .set('Authorization', fixture.registrar.auth);
    expect(one.body.items.map((item: { id: number }) => item.id)).toHaveLength(1);

    const log = await t
      .http()
      .get(`/api/rounds/${id}/reminders`)
      .set('Authorization', fixture.registrar.auth);
    const summary = log.body.items.map(
      (item: {
        organisation: string;
        type: string;
        days: number;
        status: string;
        delivery: string | null;
      }) => `${item.organisation} ${item.type}:${item.days} ${item.status} ${item.delivery ?? '-'}`,
    );
    expect(summary).toEqual(
      expect.arrayContaining([
        `${answering.name} before:1 skipped -`,
        `${declining.name} overdue:1 skipped -`,
        `${silent[0].name} before:1 queued sent`,
        `${silent[0].name} overdue:1 queued sent`,
        `${extended.name} overdue:1 cancelled -`,
      ]),
    );
  });

  it('refuses extensions and sweeps to those without the right role, and unknown recipients', async () => {
    const reader = await t
      .http()
      .post('/api/admin/reminders/sweep')
      .set('Authorization', fixture.registrar.auth);
    expect(reader.status).toBe(403);
    const unknown = await t
      .http()
      .post('/api/rounds/999999/recipients/1/extension')
      .set('Authorization', fixture.registrar.auth)
      .send({ deadline: stockholmDay(40), reason: 'Mer tid' });
    expect(unknown.status).toBe(404);
    const badQuery = await t
      .http()
      .get('/api/recipients?overdue=kanske')
      .set('Authorization', fixture.registrar.auth);
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.details[0].field).toBe('overdue');
  });

  it('after sweeps did not run for a while, sends each recipient only the latest due reminder', async () => {
    await restartAt(testNow());
    const committees: { id: number; name: string; email: string }[] = [];
    for (const name of ['Avbrottsnämnden', 'Uppehållsnämnden']) {
      const email = `${name.toLowerCase().replace(/[^a-z]/g, '')}@kalmar.test`;
      committees.push({
        ...(await createOrganisation(t, fixture.admin, { name, kind: 'committee', email })),
        email,
      });
    }
    const deadline = stockholmDay(10);
    const { id } = await sendRound(t, fixture, {
      title: 'Remiss under ett avbrott',
      deadline,
      recipientOrganisationIds: committees.map((committee) => committee.id),
    });
    expect(await settled(/^Remiss: Remiss under ett avbrott/, 2)).toHaveLength(2);
    // Nothing swept until the morning after the deadline: three reminders are due by then.
    await restartAt(instantAt(workingDayOnOrAfter(addDays(deadline, 1)), 9, ZONE));
    // The sweep a worker runs as it starts may have taken them already; either way, two in all.
    expect((await sweep()).queued).toBeLessThanOrEqual(2);
    const notices = await settled(/^Svarstiden har gått ut: Remiss under ett avbrott/, 2);
    expect(addressesOf(notices)).toEqual(committees.map((committee) => committee.email).sort());
    expect(mailsOf(/^Påminnelse: .*Remiss under ett avbrott/)).toHaveLength(0);
    const log = await t
      .http()
      .get(`/api/rounds/${id}/reminders`)
      .set('Authorization', fixture.registrar.auth);
    expect(
      log.body.items
        .filter((item: { organisation: string }) => item.organisation === committees[0].name)
        .map(
          (item: { type: string; days: number; status: string }) =>
            `${item.type}:${item.days} ${item.status}`,
        ),
    ).toEqual(['before:7 skipped', 'before:1 skipped', 'overdue:1 queued']);
  });
});
