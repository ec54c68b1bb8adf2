import { createHash } from 'node:crypto';
import { binary } from './helpers/docx-text.js';
import { addDays, daysBetween } from '../src/common/working-days.js';
import { adminAuth, createOrganisation, createUser, TestUser } from './helpers/factories.js';
import { pdf } from './helpers/files.js';
import { SmtpSink, waitFor, type ReceivedMail } from './helpers/smtp-sink.js';
import { startTestApp, TestApp } from './helpers/test-app.js';
import { stockholmDay, testNow } from './helpers/test-clock.js';

const PUBLIC_URL = 'https://remiss.exempel.se';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const LINK = /https:\/\/remiss\.exempel\.se\/respond\/([A-Za-z0-9_-]{43})/;

function tokenOf(mail: ReceivedMail): string {
  const match = LINK.exec(mail.text);
  if (!match) throw new Error(`no response link in mail to ${mail.to}`);
  return match[1];
}

describe('referral rounds', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let admin: string;
  let registrar: TestUser;
  let reader: TestUser;
  let ks: { id: number };
  let committees: { id: number; name: string; email: string }[];
  let caseId: number;
  let caseNumber: string;
  let draftId: number;
  let draftBytes: Buffer;
  let today: string;

  const http = () => t.http();
  const outboxCount = async (where = '1=1') =>
    Number(
      (await t.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM mail_outbox WHERE ${where}`))[0].n,
    );
  const allSent = () =>
    waitFor(
      () => outboxCount("status = 'pending'"),
      (pending) => pending === 0,
    );
  const createRound = (body: Record<string, unknown>, auth = registrar.auth, id = caseId) =>
    http().post(`/api/cases/${id}/rounds`).set('Authorization', auth).send(body);
  const send = (roundId: number) =>
    http().post(`/api/rounds/${roundId}/send`).set('Authorization', registrar.auth);
  const getRound = (roundId: number, auth = registrar.auth) =>
    http().get(`/api/rounds/${roundId}`).set('Authorization', auth);

  async function organisation(name: string, email: string | null, kind = 'committee') {
    const created = await createOrganisation(t, admin, { name, kind, email });
    return { id: created.id, name, email: email ?? '' };
  }

  /** A case of Kommunstyrelsen's with its draft registered, for a test that needs its own rows. */
  async function caseWithDraftOf(title: string) {
    const created = await http()
      .post('/api/cases')
      .set('Authorization', registrar.auth)
      .send({ title, organisationId: ks.id });
    expect(created.status).toBe(201);
    const draft = await http()
      .post(`/api/cases/${created.body.id}/documents`)
      .set('Authorization', registrar.auth)
      .field('title', 'Förslag')
      .field('direction', 'outgoing')
      .attach('file', pdf(`Förslag: ${title}`), { filename: 'Förslag.pdf' });
    expect(draft.status).toBe(201);
    return {
      caseId: created.body.id as number,
      caseNumber: created.body.caseNumber as string,
      draftId: draft.body.id as number,
    };
  }

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({
      SMTP_URL: sink.url,
      PUBLIC_URL,
      MAIL_RETRY_DELAY_MS: '100',
      MAIL_MAX_ATTEMPTS: '4',
      MUNICIPALITY_NAME: 'Kalmar kommun',
    });
    admin = await adminAuth(t);
    ks = await createOrganisation(t, admin, {
      name: 'Kommunstyrelsen',
      kind: 'council',
      seriesCode: 'KS',
      email: 'kommunstyrelsen@kalmar.test',
    });
    committees = [];
    for (let index = 1; index <= 25; index += 1) {
      committees.push(await organisation(`Nämnd ${index}`, `namnd${index}@kalmar.test`));
    }
    registrar = await createUser(t, admin, ['registrar'], [ks.id]);
    reader = await createUser(t, admin, ['reader']);
    const created = await http()
      .post('/api/cases')
      .set('Authorization', registrar.auth)
      .send({ title: 'Strategi för etnisk och kulturell inkludering', organisationId: ks.id });
    caseId = created.body.id;
    caseNumber = created.body.caseNumber;
    draftBytes = pdf('Förslag till strategi för etnisk och kulturell inkludering');
    const draft = await http()
      .post(`/api/cases/${caseId}/documents`)
      .set('Authorization', registrar.auth)
      .field('title', 'Förslag till strategi')
      .field('direction', 'outgoing')
      .attach('file', draftBytes, { filename: 'Förslag till strategi.pdf' });
    draftId = draft.body.id;
    today = stockholmDay();
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('sends a round to 25 committees: 25 mails, each with its own working link, once', async () => {
    const deadline = addDays(today, 40);
    const created = await createRound({
      title: 'Strategi för etnisk och kulturell inkludering',
      deadline,
      documentIds: [draftId],
      recipientKinds: ['committee'],
      message: 'Utskottet har beslutat att skicka förslaget på remiss.\nSvara gärna per punkt.',
      sections: [
        { ref: '4.3 a', title: 'Kompetensutveckling för chefer' },
        { ref: '5.1', title: 'Uppföljning' },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      caseId,
      caseNumber,
      status: 'draft',
      deadline,
      sections: [
        { ref: '4.3 a', title: 'Kompetensutveckling för chefer' },
        { ref: '5.1', title: 'Uppföljning' },
      ],
      reminders: { daysBefore: [7, 1], overdueDaysAfter: [1], hour: 8 },
      customReminders: false,
      summary: { total: 25, answered: 0, declined: 0, pending: 25, overdue: 0, failed: 0 },
    });
    expect(created.body.documents).toEqual([
      expect.objectContaining({ id: draftId, documentNumber: `${caseNumber}-1` }),
    ]);
    // The owner (Kommunstyrelsen, a council) is not among its own consultees.
    expect(
      created.body.recipients.map((r: { organisation: { name: string } }) => r.organisation.name),
    ).toEqual(committees.map((c) => c.name).sort((a, b) => a.localeCompare(b, 'sv')));
    const roundId = created.body.id as number;

    const sent = await send(roundId);
    expect(sent.status).toBe(200);
    expect(sent.body.queued).toBe(25);
    expect(sent.body.round.status).toBe('sent');
    expect(sent.body.warnings.map((w: { code: string }) => w.code)).not.toContain('short_deadline');
    await waitFor(
      () => sink.mails.length,
      (count) => count >= 25,
    );
    await allSent();
    expect(sink.mails).toHaveLength(25);
    // Pooled SMTP: a handful of connections carry all 25 mails.
    expect(sink.connections).toBeLessThanOrEqual(5);

    // Nobody has opened the remiss yet; opening the links below is what sets openedAt.
    const unopened = (await getRound(roundId)).body as { recipients: { openedAt: unknown }[] };
    expect(unopened.recipients).toHaveLength(25);
    expect(unopened.recipients.every((r) => r.openedAt === null)).toBe(true);
    const openedFrom = testNow().getTime();
    const tokens = new Set<string>();
    for (const committee of committees) {
      const [mail] = sink.to(committee.email);
      expect(mail).toBeDefined();
      expect(mail.subject).toBe(
        `Remiss: Strategi för etnisk och kulturell inkludering (${caseNumber}) – svar senast ${deadline}`,
      );
      expect(mail.text).toContain(`Till ${committee.name}`);
      expect(mail.text).toContain(`Diarienummer: ${caseNumber}`);
      expect(mail.text).toContain('Kommunstyrelsen skickar härmed en remiss till er');
      expect(mail.text).toContain('Svara gärna per punkt.');
      expect(mail.text).toContain(
        `Sista dag för svar: ${deadline} (den ${new Intl.DateTimeFormat('sv-SE', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${deadline}T00:00:00Z`))}).`,
      );
      expect(mail.text).toContain('- 4.3 a Kompetensutveckling för chefer');
      expect(mail.text).toContain(`${caseNumber}-1 Förslag till strategi`);
      expect(mail.html).toContain('<html lang="sv">');
      expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
      expect(mail.attachments).toHaveLength(1);
      expect(mail.attachments[0].filename).toBe('Förslag till strategi.pdf');
      expect(sha256(mail.attachments[0].content)).toBe(sha256(draftBytes));
      const token = tokenOf(mail);
      expect(mail.html).toContain(`${PUBLIC_URL}/respond/${token}`);
      tokens.add(token);
      const view = await http().get(`/api/respond/${token}`);
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({
        roundTitle: 'Strategi för etnisk och kulturell inkludering',
        caseNumber,
        sender: 'Kommunstyrelsen',
        senderEmail: 'kommunstyrelsen@kalmar.test',
        recipient: committee.name,
        deadline,
        extended: false,
        status: 'sent',
      });
      expect(view.body.documents).toEqual([
        expect.objectContaining({ id: draftId, fileName: 'Förslag till strategi.pdf' }),
      ]);
    }
    expect(tokens.size).toBe(25);
    const openedTo = testNow().getTime();

    // The Message-ID is the one stored with each outbox row; only hashes of tokens are stored.
    const rows = await t.sql<{ message_id: string; status: string; attempts: number }>(
      "SELECT message_id, status, attempts FROM mail_outbox WHERE kind = 'round-invitation'",
    );
    expect(rows.map((row) => row.message_id).sort()).toEqual(
      sink.mails.map((mail) => mail.messageId).sort(),
    );
    expect(rows.every((row) => row.status === 'sent' && Number(row.attempts) === 1)).toBe(true);
    const stored = await t.sql<{ token_hash: string }>(
      'SELECT l.token_hash FROM referral_round_link l JOIN referral_round_recipient r ON r.id = l.recipient_id WHERE r.round_id = ? AND l.voided_at IS NULL',
      [roundId],
    );
    expect(stored.map((row) => row.token_hash).sort()).toEqual(
      [...tokens].map((token) => sha256(Buffer.from(token))).sort(),
    );
    const bodies = await t.sql<{ text_body: string }>('SELECT text_body FROM mail_outbox');
    for (const token of tokens) {
      expect(bodies.some((row) => row.text_body.includes(token))).toBe(false);
    }

    const round = await waitFor(
      async () => (await getRound(roundId)).body,
      (body) => body.recipients.every((r: { deliveredAt: string | null }) => r.deliveredAt),
    );
    expect(round.recipients.every((r: { status: string }) => r.status === 'sent')).toBe(true);
    expect(round.recipients[0]).toMatchObject({ deadline, extended: false, overdue: false });
    // Each opened its link once above: openedAt is the time of that first GET, to the millisecond.
    for (const recipient of round.recipients as { openedAt: string }[]) {
      expect(recipient.openedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      const opened = Date.parse(recipient.openedAt);
      expect(opened).toBeGreaterThanOrEqual(openedFrom);
      expect(opened).toBeLessThanOrEqual(openedTo);
    }

    // Sending again sends nothing; the relay's next passes do not either.
    const again = await send(roundId);
    expect(again.status).toBe(200);
    expect(again.body.queued).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(sink.mails).toHaveLength(25);
    expect(await outboxCount()).toBe(25);

    const audit = await http()
      .get(`/api/audit?entity=referral_round&entityId=${roundId}`)
      .set('Authorization', admin);
    expect(audit.body.items.map((event: { action: string }) => event.action)).toEqual([
      'round.sent',
      'round.created',
    ]);
  });

  it('serves the link page in Swedish and refuses forged links with 404', async () => {
    const mail = sink.to(committees[0].email)[0];
    const token = tokenOf(mail);
    const [{ id: roundId }] = await t.sql<{ id: number }>(
      "SELECT id FROM referral_round WHERE title = 'Strategi för etnisk och kulturell inkludering' ORDER BY id LIMIT 1",
    );
    const openedAtOf = async () =>
      (
        (await getRound(Number(roundId))).body as {
          recipients: { organisation: { id: number }; openedAt: string | null }[];
        }
      ).recipients.find((r) => r.organisation.id === committees[0].id)!.openedAt;
    const firstOpened = await openedAtOf();
    expect(firstOpened).not.toBeNull();
    const page = await http().get(`/respond/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.text).toContain('<html lang="sv">');
    expect(page.text).toContain('<meta name="viewport"');
    expect(page.text).toContain('<h1>Strategi för etnisk och kulturell inkludering</h1>');
    expect(page.text).toContain(`<dt>Diarienummer</dt><dd>${caseNumber}</dd>`);
    expect(page.text).toContain(`<dt>Remissinstans</dt><dd>${committees[0].name}</dd>`);
    expect(page.text).toContain(`href="../api/respond/${token}/documents/${draftId}"`);
    expect(page.text).toContain(
      '<label for="comment_0">4.3 a Kompetensutveckling för chefer</label>',
    );
    expect(page.text).toContain('<form method="post" action="" enctype="multipart/form-data"');

    const download = await http()
      .get(`/api/respond/${token}/documents/${draftId}`)
      .buffer(true)
      .parse(binary);
    expect(download.status).toBe(200);
    expect(sha256(download.body as Buffer)).toBe(sha256(draftBytes));
    // Opening the page and a document again keeps the time of the first open.
    expect(await openedAtOf()).toBe(firstOpened);

    const forged = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const forgedPage = await http().get(`/respond/${forged}`);
    expect(forgedPage.status).toBe(404);
    expect(forgedPage.text).toContain('<h1>Länken fungerar inte</h1>');
    for (const bad of [forged, 'kort', 'x'.repeat(43)]) {
      const response = await http().get(`/api/respond/${bad}`);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ code: 'not_found', message: 'This link is not valid' });
    }
    // A document outside the link's round is not reachable through it.
    const other = await http()
      .post(`/api/cases/${caseId}/documents`)
      .set('Authorization', registrar.auth)
      .field('title', 'Intern anteckning')
      .field('direction', 'internal')
      .attach('file', pdf('intern'), { filename: 'anteckning.pdf' });
    expect((await http().get(`/api/respond/${token}/documents/${other.body.id}`)).status).toBe(404);
  });

  it('retries while the mail server refuses for a while, and delivers each mail once', async () => {
    const targets = committees.slice(0, 3);
    const refusals = new Map<string, number>();
    sink.policy = (address) => {
      const seen = refusals.get(address) ?? 0;
      if (!targets.some((target) => target.email === address) || seen >= 2) return null;
      refusals.set(address, seen + 1);
      return { code: 451, message: '4.3.0 Try again later' };
    };
    const before = sink.mails.length;
    const created = await createRound({
      title: 'Riktlinjer för tillgänglighet',
      deadline: addDays(today, 30),
      documentIds: [draftId],
      recipientOrganisationIds: targets.map((target) => target.id),
    });
    expect((await send(created.body.id)).body.queued).toBe(3);
    await waitFor(
      () => sink.mails.length - before,
      (count) => count >= 3,
    );
    await allSent();
    sink.policy = () => null;
    for (const target of targets) {
      expect(sink.to(target.email).slice(-1)[0].subject).toContain('Riktlinjer för tillgänglighet');
      expect(sink.attempts.filter((address) => address === target.email).length).toBeGreaterThan(3);
    }
    expect(sink.mails.length - before).toBe(3);
    const rows = await t.sql<{ attempts: number; status: string; last_error: string }>(
      "SELECT attempts, status, last_error FROM mail_outbox WHERE subject LIKE '%tillgänglighet%'",
    );
    expect(rows.map((row) => [Number(row.attempts), row.status])).toEqual([
      [3, 'sent'],
      [3, 'sent'],
      [3, 'sent'],
    ]);
    expect(rows[0].last_error).toContain('451');
  });

  it('marks a refused recipient failed, and a resend delivers with a new link', async () => {
    const unlucky = await organisation('Hamnbolaget AB', 'hamn@kalmar.test', 'company');
    sink.policy = (address) =>
      address === unlucky.email ? { code: 550, message: '5.1.1 No such mailbox' } : null;
    const created = await createRound({
      title: 'Hamnstrategi',
      deadline: addDays(today, 30),
      documentIds: [draftId],
      recipientOrganisationIds: [unlucky.id, committees[3].id],
    });
    const roundId = created.body.id as number;
    await send(roundId);
    const failed = await waitFor(
      async () => (await getRound(roundId)).body,
      (body) => body.summary.failed === 1,
    );
    expect(failed.summary).toEqual({
      total: 2,
      answered: 0,
      declined: 0,
      pending: 1,
      overdue: 0,
      failed: 1,
    });
    const failedRecipient = failed.recipients.find(
      (r: { organisation: { id: number } }) => r.organisation.id === unlucky.id,
    );
    expect(failedRecipient).toMatchObject({ status: 'failed', deliveredAt: null });
    expect(failedRecipient.failureReason).toContain('550');
    expect(sink.to(unlucky.email)).toHaveLength(0);
    // A 5xx is final: one attempt, no retries.
    expect(sink.attempts.filter((address) => address === unlucky.email)).toHaveLength(1);

    // The directory is corrected, and the registrar resends.
    sink.policy = () => null;
    await http()
      .patch(`/api/organisations/${unlucky.id}`)
      .set('Authorization', admin)
      .send({ email: 'registrator@hamnbolaget.test' });
    const resent = await http()
      .post(`/api/rounds/${roundId}/recipients/${failedRecipient.id}/resend`)
      .set('Authorization', registrar.auth);
    expect(resent.status).toBe(200);
    expect(resent.body.queued).toBe(1);
    const [mail] = await waitFor(
      () => sink.to('registrator@hamnbolaget.test'),
      (mails) => mails.length === 1,
    );
    expect(mail.subject).toMatch(/^Ny länk: Remiss: Hamnstrategi/);
    const firstToken = tokenOf(mail);
    expect((await http().get(`/api/respond/${firstToken}`)).body.recipient).toBe('Hamnbolaget AB');
    const after = await waitFor(
      async () => (await getRound(roundId)).body,
      (body) =>
        body.summary.failed === 0 &&
        body.recipients.every((r: { deliveredAt: string }) => r.deliveredAt),
    );
    expect(after.recipients.find((r: { id: number }) => r.id === failedRecipient.id)).toMatchObject(
      {
        status: 'sent',
        email: 'registrator@hamnbolaget.test',
        invitations: 2,
        failureReason: null,
      },
    );

    // Resending a delivered invitation voids its link at once.
    await http()
      .post(`/api/rounds/${roundId}/recipients/${failedRecipient.id}/resend`)
      .set('Authorization', registrar.auth);
    const mails = await waitFor(
      () => sink.to('registrator@hamnbolaget.test'),
      (received) => received.length === 2,
    );
    const secondToken = tokenOf(mails[1]);
    expect(secondToken).not.toBe(firstToken);
    expect((await http().get(`/api/respond/${firstToken}`)).status).toBe(404);
    expect((await http().get(`/api/respond/${secondToken}`)).status).toBe(200);
  });

  it('refuses bad input with 400 naming the field, and creates nothing', async () => {
    const before = await t.sql('SELECT id FROM referral_round');
    const otherCase = await http()
      .post('/api/cases')
      .set('Authorization', registrar.auth)
      .send({ title: 'Annat ärende', organisationId: ks.id });
    const foreignDocument = await http()
      .post(`/api/cases/${otherCase.body.id}/documents`)
      .set('Authorization', registrar.auth)
      .field('title', 'Annan handling')
      .field('direction', 'incoming')
      .attach('file', pdf('annan'), { filename: 'annan.pdf' });
    const valid = {
      title: 'Remiss',
      deadline: addDays(today, 30),
      documentIds: [draftId],
      recipientOrganisationIds: [committees[0].id],
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...valid, colour: 'blå' }, 'colour'],
      [{ ...valid, title: '' }, 'title'],
      [{ ...valid, deadline: '2026-02-30' }, 'deadline'],
      [{ ...valid, deadline: addDays(today, -1) }, 'deadline'],
      [{ ...valid, documentIds: [foreignDocument.body.id] }, 'documentIds'],
      [{ ...valid, documentIds: 'alla' }, 'documentIds'],
      [{ ...valid, recipientOrganisationIds: [999_999] }, 'recipientOrganisationIds'],
      [{ ...valid, recipientKinds: ['kommun'] }, 'recipientKinds'],
      [
        {
          ...valid,
          sections: [
            { ref: '4.3 a', title: 'A' },
            { ref: '4.3 A', title: 'B' },
          ],
        },
        'sections.1.ref',
      ],
      [{ ...valid, sections: [{ ref: '', title: 'A' }] }, 'sections.0.ref'],
      [{ ...valid, reminders: { daysBefore: [0], overdueDaysAfter: [] } }, 'reminders.daysBefore'],
      [
        { ...valid, reminders: { daysBefore: [7], overdueDaysAfter: [1], hour: 24 } },
        'reminders.hour',
      ],
    ];
    for (const [body, field] of cases) {
      const response = await createRound(body);
      expect({ field, status: response.status }).toEqual({ field, status: 400 });
      expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect((await createRound(valid, reader.auth)).status).toBe(403);
    expect((await createRound(valid, registrar.auth, 999_999)).status).toBe(404);
    await http()
      .post(`/api/cases/${otherCase.body.id}/close`)
      .set('Authorization', registrar.auth)
      .send({ reason: 'Klart' });
    const closedCase = await createRound(
      { ...valid, documentIds: [foreignDocument.body.id] },
      registrar.auth,
      otherCase.body.id,
    );
    expect(closedCase.status).toBe(409);
    expect(closedCase.body.code).toBe('case_closed');
    expect(await t.sql('SELECT id FROM referral_round')).toEqual(before);
  });

  it('refuses to send without documents or e-mail addresses, naming each problem', async () => {
    const silent = await organisation('Föreningen utan e-post', null, 'external');
    const created = await createRound({
      title: 'Remiss utan handlingar',
      deadline: addDays(today, 30),
      documentIds: [],
      recipientOrganisationIds: [silent.id, committees[4].id],
    });
    expect(created.status).toBe(201);
    const mailsBefore = await outboxCount();
    const refused = await send(created.body.id);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('round_not_sendable');
    expect(refused.body.details).toEqual([
      { field: 'documentIds', messages: ['the round has no documents to send'] },
      {
        field: 'recipients',
        messages: ['no e-mail address in the directory for Föreningen utan e-post'],
      },
    ]);
    expect(await outboxCount()).toBe(mailsBefore);
    const round = (await getRound(created.body.id)).body;
    expect(round.status).toBe('draft');
    expect(round.recipients.map((r: { status: string }) => r.status)).toEqual([
      'pending',
      'pending',
    ]);
  });

  it('warns about a deadline on a holiday or too soon, and still sends', async () => {
    let christmasEve = `${today.slice(0, 4)}-12-24`;
    if (christmasEve <= today) christmasEve = `${Number(today.slice(0, 4)) + 1}-12-24`;
    const created = await createRound({
      title: 'Remiss över jul',
      deadline: christmasEve,
      documentIds: [draftId],
      recipientOrganisationIds: [committees[5].id],
    });
    const sent = await send(created.body.id);
    expect(sent.status).toBe(200);
    const days = daysBetween(today, christmasEve);
    expect(sent.body.warnings).toEqual([
      {
        code: 'deadline_not_working_day',
        message: `The deadline ${christmasEve} falls on julafton, not a working day`,
      },
      ...(days < 21
        ? [
            {
              code: 'short_deadline',
              message: `The deadline gives ${days} days to answer; at least 21 are recommended`,
            },
          ]
        : []),
    ]);
    expect(sent.body.queued).toBe(1);
  });

  it('sends recipients added after sending on the next send, and keeps sent ones', async () => {
    const created = await createRound({
      title: 'Kulturplan',
      deadline: addDays(today, 30),
      documentIds: [draftId],
      recipientOrganisationIds: [committees[6].id, committees[7].id],
      reminders: { daysBefore: [10, 3], overdueDaysAfter: [2], hour: 9 },
    });
    const roundId = created.body.id as number;
    expect(created.body).toMatchObject({
      customReminders: true,
      reminders: { daysBefore: [10, 3], overdueDaysAfter: [2], hour: 9 },
    });
    const removable = created.body.recipients[1].id as number;
    const removed = await http()
      .delete(`/api/rounds/${roundId}/recipients/${removable}`)
      .set('Authorization', registrar.auth);
    expect(removed.status).toBe(200);
    expect(removed.body.recipients).toHaveLength(1);
    await send(roundId);
    await allSent();
    const sentRecipient = removed.body.recipients[0].id as number;
    const keep = await http()
      .delete(`/api/rounds/${roundId}/recipients/${sentRecipient}`)
      .set('Authorization', registrar.auth);
    expect(keep.status).toBe(409);
    expect(keep.body.code).toBe('recipient_already_sent');
    const edit = await http()
      .patch(`/api/rounds/${roundId}`)
      .set('Authorization', registrar.auth)
      .send({ title: 'Ny titel' });
    expect(edit.status).toBe(409);
    expect(edit.body.code).toBe('round_not_draft');

    const added = await http()
      .post(`/api/rounds/${roundId}/recipients`)
      .set('Authorization', registrar.auth)
      .send({ organisationIds: [committees[8].id, committees[6].id] });
    expect(added.status).toBe(200);
    expect(
      added.body.recipients.map((r: { organisation: { id: number }; status: string }) => [
        r.organisation.id,
        r.status,
      ]),
    ).toEqual([
      [committees[6].id, 'sent'],
      [committees[8].id, 'pending'],
    ]);
    const second = await send(roundId);
    expect(second.body.queued).toBe(1);
    const [mail] = await waitFor(
      () => sink.to(committees[8].email).filter((m) => m.subject.includes('Kulturplan')),
      (mails) => mails.length === 1,
    );
    expect(mail.text).toContain(`Till ${committees[8].name}`);
    await allSent();
    expect(
      sink.to(committees[6].email).filter((m) => m.subject.includes('Kulturplan')),
    ).toHaveLength(1);
  });

  it('lets a respondent see only their own place in a round, and lists rounds for follow-up', async () => {
    // A case of its own, so that no other test's round falls into the follow-up window.
    const own = await caseWithDraftOf('Uppföljning av remisser');
    const respondent = await createUser(t, admin, ['respondent'], [committees[0].id]);
    const outsider = await createUser(t, admin, ['respondent'], [committees[24].id]);
    const created = await createRound(
      {
        title: 'Respondentvy',
        deadline: addDays(today, 20),
        documentIds: [own.draftId],
        recipientOrganisationIds: [committees[0].id, committees[1].id],
      },
      registrar.auth,
      own.caseId,
    );
    const roundId = created.body.id as number;
    const ownView = await getRound(roundId, respondent.auth);
    expect(ownView.status).toBe(200);
    expect(
      ownView.body.recipients.map((r: { organisation: { id: number } }) => r.organisation.id),
    ).toEqual([committees[0].id]);
    expect(ownView.body.summary.total).toBe(1);
    expect((await getRound(roundId, outsider.auth)).status).toBe(404);
    expect((await http().get('/api/rounds').set('Authorization', respondent.auth)).status).toBe(
      403,
    );
    expect((await send(roundId)).status).toBe(200);
    const bySend = await http()
      .post(`/api/rounds/${roundId}/send`)
      .set('Authorization', respondent.auth);
    expect(bySend.status).toBe(403);

    const sooner = await createRound(
      {
        title: 'Snabbremiss',
        deadline: addDays(today, 10),
        documentIds: [own.draftId],
        recipientOrganisationIds: [committees[2].id],
      },
      registrar.auth,
      own.caseId,
    );
    await send(sooner.body.id);
    const later = await createRound(
      {
        title: 'Senare remiss',
        deadline: addDays(today, 26),
        documentIds: [own.draftId],
        recipientOrganisationIds: [committees[3].id],
      },
      registrar.auth,
      own.caseId,
    );
    await send(later.body.id);
    const query = `/api/rounds?status=sent&caseId=${own.caseId}&dueBefore=${addDays(today, 25)}&limit=1`;
    const first = await http().get(query).set('Authorization', reader.auth);
    expect(first.status).toBe(200);
    expect(first.body.items.map((item: { id: number }) => item.id)).toEqual([sooner.body.id]);
    const second = await http()
      .get(`${query}&cursor=${first.body.nextCursor}`)
      .set('Authorization', reader.auth);
    expect(second.body.items).toEqual([
      {
        id: roundId,
        caseId: own.caseId,
        caseNumber: own.caseNumber,
        title: 'Respondentvy',
        deadline: addDays(today, 20),
        status: 'sent',
        sentAt: expect.any(String),
        summary: { total: 2, answered: 0, declined: 0, pending: 2, overdue: 0, failed: 0 },
        redacted: false,
      },
    ]);
    expect(second.body.nextCursor).toBeNull();
    const byCase = await http()
      .get(`/api/cases/${caseId}/rounds?limit=200`)
      .set('Authorization', reader.auth);
    expect(byCase.body.items.every((item: { caseId: number }) => item.caseId === caseId)).toBe(
      true,
    );
    const invalid = await http()
      .get('/api/rounds?dueBefore=imorgon')
      .set('Authorization', reader.auth);
    expect(invalid.status).toBe(400);
    expect(invalid.body.details[0].field).toBe('dueBefore');
  });

  it('closes a round: its links stop working and it cannot be sent again', async () => {
    const created = await createRound({
      title: 'Att avsluta',
      deadline: addDays(today, 30),
      documentIds: [draftId],
      recipientOrganisationIds: [committees[9].id],
    });
    const roundId = created.body.id as number;
    await send(roundId);
    const [mail] = await waitFor(
      () => sink.to(committees[9].email).filter((m) => m.subject.includes('Att avsluta')),
      (mails) => mails.length === 1,
    );
    const token = tokenOf(mail);
    expect((await http().get(`/api/respond/${token}`)).status).toBe(200);
    const noReason = await http()
      .post(`/api/rounds/${roundId}/close`)
      .set('Authorization', registrar.auth)
      .send({});
    expect(noReason.status).toBe(400);
    const closed = await http()
      .post(`/api/rounds/${roundId}/close`)
      .set('Authorization', registrar.auth)
      .send({ reason: 'Remisstiden är slut' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', closedReason: 'Remisstiden är slut' });
    expect((await http().get(`/api/respond/${token}`)).status).toBe(404);
    expect((await send(roundId)).status).toBe(409);
    const resend = await http()
      .post(`/api/rounds/${roundId}/recipients/${created.body.recipients[0].id}/resend`)
      .set('Authorization', registrar.auth);
    expect(resend.status).toBe(409);
    const stored = await t.sql<{ n: number }>(
      'SELECT COUNT(*) AS n FROM referral_round_link l JOIN referral_round_recipient r ON r.id = l.recipient_id WHERE r.round_id = ? AND l.voided_at IS NULL',
      [roundId],
    );
    expect(Number(stored[0].n)).toBe(0);
  });
});
