import { createHash } from 'node:crypto';
import type { AppConfig } from '../src/config/env.schema.js';
import { binary, docxText } from './helpers/docx-text.js';
import { createOrganisation, createUser, type TestUser } from './helpers/factories.js';
import { docx, pdf } from './helpers/files.js';
import {
  caseWithDraft,
  sendRound,
  stockholmDay,
  type RoundFixture,
} from './helpers/round-fixtures.js';
import { SmtpSink, waitFor, type ReceivedMail } from './helpers/smtp-sink.js';
import { startTestApp, TestApp } from './helpers/test-app.js';

const DAY_MS = 86_400_000;
const LINK = /\/respond\/([A-Za-z0-9_-]{43})/;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const SECTIONS = [
  { ref: '4.3 a', title: 'Attraktiva mötesplatser i bostadsområden' },
  { ref: '5.1 a', title: 'Sociala nätverk och civilsamhället' },
];

describe('responses', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let config: AppConfig;
  let fixture: RoundFixture;
  let respondent: TestUser;
  let outside: { id: number; name: string; email: string };
  let roundId: number;

  const tokenFor = (address: string, subject = /^Remiss: Strategi/) => {
    const mail = sink.mails.find(
      (candidate: ReceivedMail) => candidate.to === address && subject.test(candidate.subject),
    );
    return LINK.exec(mail!.text)![1];
  };
  const answerAs = (auth: string, body: Record<string, unknown>, id = roundId) =>
    t.http().post(`/api/rounds/${id}/responses`).set('Authorization', auth).send(body);
  const documentsOfCase = async () =>
    (
      await t
        .http()
        .get(`/api/cases/${fixture.caseId}/documents`)
        .set('Authorization', fixture.registrar.auth)
    ).body.items as {
      id: number;
      documentNumber: string;
      direction: string;
      counterpart: string;
      title: string;
      mimeType: string;
    }[];

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, PUBLIC_URL: 'https://remiss.kalmar.test' });
    config = t.config;
    fixture = await caseWithDraft(t, 3);
    const created = await createOrganisation(t, fixture.admin, {
      name: 'Funktionsrätt Kalmar län',
      kind: 'external',
      email: 'funktionsratt@kalmar.test',
    });
    outside = {
      id: created.id,
      name: 'Funktionsrätt Kalmar län',
      email: 'funktionsratt@kalmar.test',
    };
    respondent = await createUser(t, fixture.admin, ['respondent'], [fixture.committees[0].id]);
    const { id } = await sendRound(t, fixture, {
      title: 'Strategi för inkludering',
      deadline: stockholmDay(2),
      recipientKinds: ['committee'],
      recipientOrganisationIds: [outside.id],
      sections: SECTIONS,
    });
    roundId = id;
    await waitFor(
      () => sink.mails.length,
      (count) => count >= 4,
    );
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('takes a committee’s answer with its file, registers it as incoming and mails a receipt', async () => {
    const memo = await docx();
    const response = await t
      .http()
      .post(`/api/rounds/${roundId}/responses`)
      .set('Authorization', respondent.auth)
      .field('organisationId', String(fixture.committees[0].id))
      .field('position', 'approve_with_comments')
      .field('summary', 'Nämnden ställer sig bakom strategin med en synpunkt.')
      .field(
        'comments',
        JSON.stringify([
          { sectionRef: '4.3 A', text: 'Förvaltningen kan inte vara huvudansvarig.' },
        ]),
      )
      .field(
        'decision',
        JSON.stringify({
          organ: 'Nämnd 1',
          date: stockholmDay(0),
          paragraph: '87',
          caseNumber: 'SFN 2026/0130',
        }),
      )
      .attach('files', memo, { filename: 'Tjänsteskrivelse – remissvar.docx' });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      roundId,
      organisation: { id: fixture.committees[0].id, name: fixture.committees[0].name },
      position: 'approve_with_comments',
      summary: 'Nämnden ställer sig bakom strategin med en synpunkt.',
      comments: [{ sectionRef: '4.3 a', text: 'Förvaltningen kan inte vara huvudansvarig.' }],
      decision: { organ: 'Nämnd 1', paragraph: '87', caseNumber: 'SFN 2026/0130' },
      receivedVia: 'account',
      submittedBy: respondent.id,
      late: false,
      current: true,
      supersedesId: null,
      attachments: [],
    });
    expect(response.body.documentNumber).toMatch(new RegExp(`^${fixture.caseNumber}-\\d+$`));
    const registered = (await documentsOfCase()).find((d) => d.id === response.body.documentId)!;
    expect(registered).toMatchObject({
      direction: 'incoming',
      counterpart: fixture.committees[0].name,
      title: `Remissvar från ${fixture.committees[0].name}`,
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    });
    const content = await t
      .http()
      .get(`/api/documents/${registered.id}/content`)
      .set('Authorization', fixture.registrar.auth)
      .buffer(true)
      .parse(binary);
    expect(sha256(content.body as Buffer)).toBe(sha256(memo));

    const [receipt] = await waitFor(
      () => sink.mails.filter((mail) => mail.subject.startsWith('Kvittens')),
      (mails) => mails.length === 1,
    );
    expect(receipt.to).toBe(fixture.committees[0].email);
    expect(receipt.subject).toBe(
      `Kvittens: remissvar registrerat ${response.body.documentNumber} – Strategi för inkludering (${fixture.caseNumber})`,
    );
    expect(receipt.text).toContain('Ställningstagande: Tillstyrker med synpunkter');

    const round = await t
      .http()
      .get(`/api/rounds/${roundId}`)
      .set('Authorization', fixture.registrar.auth);
    expect(round.body.summary).toMatchObject({ answered: 1, total: 4 });
    expect(
      round.body.recipients.find(
        (r: { organisation: { id: number } }) => r.organisation.id === fixture.committees[0].id,
      ),
    ).toMatchObject({ status: 'answered', late: false, answeredAt: expect.any(String) });
  });

  it('refuses another organisation’s answer with 403 and an unknown section with 400, registering nothing', async () => {
    const before = (await documentsOfCase()).length;
    const other = await answerAs(respondent.auth, {
      organisationId: fixture.committees[1].id,
      position: 'approve',
      summary: 'Inte vår nämnd',
    });
    expect(other.status).toBe(403);
    const unknown = await answerAs(respondent.auth, {
      organisationId: fixture.committees[0].id,
      position: 'approve_with_comments',
      comments: [{ sectionRef: '9.9', text: 'Finns inte' }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toEqual([
      {
        field: 'comments.0.sectionRef',
        messages: ['comments.0.sectionRef 9.9 is not a section of the round (4.3 a, 5.1 a)'],
      },
    ]);
    const badPosition = await answerAs(respondent.auth, {
      organisationId: fixture.committees[0].id,
      position: 'kanske',
      summary: 'x',
      colour: 'blå',
    });
    expect(badPosition.status).toBe(400);
    expect(badPosition.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'colour',
      'position',
    ]);
    const empty = await answerAs(respondent.auth, {
      organisationId: fixture.committees[0].id,
      position: 'reject',
    });
    expect(empty.status).toBe(400);
    expect(empty.body.details[0].field).toBe('summary');
    expect((await documentsOfCase()).length).toBe(before);
  });

  it('takes an outside body’s answer through its link, rendered as a PDF, registered once on a double submit', async () => {
    const token = tokenFor(outside.email);
    const body = {
      position: 'reject',
      summary: 'Förslaget saknar tillgänglighetsperspektiv.',
      comments: [{ sectionRef: '5.1 a', text: 'Funktionsrättsorganisationerna behöver nämnas.' }],
    };
    const [first, second] = await Promise.all([
      t.http().post(`/api/respond/${token}`).send(body),
      t.http().post(`/api/respond/${token}`).send(body),
    ]);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).toBe(first.body.id);
    expect(first.body).toMatchObject({
      receivedVia: 'link',
      submittedBy: null,
      position: 'reject',
      late: false,
    });
    const registered = (await documentsOfCase()).filter((d) => d.counterpart === outside.name);
    expect(registered).toEqual([
      expect.objectContaining({
        id: first.body.documentId,
        direction: 'incoming',
        mimeType: 'application/pdf',
      }),
    ]);
    const pdfBytes = await t
      .http()
      .get(`/api/documents/${first.body.documentId}/content`)
      .set('Authorization', fixture.registrar.auth)
      .buffer(true)
      .parse(binary);
    expect((pdfBytes.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');

    // The same key with another answer is refused; the same key again answers the first.
    const keyed = await t
      .http()
      .post(`/api/respond/${token}`)
      .set('Idempotency-Key', 'svar-1')
      .send({ ...body, summary: 'Andra versionen' });
    expect(keyed.status).toBe(201);
    expect(keyed.body.supersedesId).toBe(first.body.id);
    const replay = await t
      .http()
      .post(`/api/respond/${token}`)
      .set('Idempotency-Key', 'svar-1')
      .send({ ...body, summary: 'Andra versionen' });
    expect(replay.body.id).toBe(keyed.body.id);
    const reused = await t
      .http()
      .post(`/api/respond/${token}`)
      .set('Idempotency-Key', 'svar-1')
      .send({ ...body, summary: 'Tredje' });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');

    const history = await t
      .http()
      .get(`/api/rounds/${roundId}/responses?history=true`)
      .set('Authorization', fixture.registrar.auth);
    const fromOutside = history.body.items.filter(
      (item: { organisation: { id: number } }) => item.organisation.id === outside.id,
    );
    expect(
      fromOutside.map((item: { id: number; current: boolean }) => [item.id, item.current]),
    ).toEqual([
      [first.body.id, false],
      [keyed.body.id, true],
    ]);
    const latest = await t
      .http()
      .get(`/api/rounds/${roundId}/responses`)
      .set('Authorization', fixture.registrar.auth);
    expect(
      latest.body.items.map((item: { organisation: { name: string } }) => item.organisation.name),
    ).toEqual([outside.name, fixture.committees[0].name]);
  });

  it('answers the form on the link page in Swedish: errors next to the field, then a receipt', async () => {
    const token = tokenFor(fixture.committees[1].email);
    const invalid = await t
      .http()
      .post(`/respond/${token}`)
      .field('summary', '')
      .field('comment_0', 'En synpunkt på mötesplatserna')
      .field('decision_date', '2026-02-30');
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain(
      '<p class="error" id="position-fel">Välj ett ställningstagande.</p>',
    );
    expect(invalid.text).toContain(
      '<p class="error" id="decision_date-fel">Ange beslutsdatum som ÅÅÅÅ-MM-DD, till exempel 2026-09-08.</p>',
    );
    expect(invalid.text).toContain('>En synpunkt på mötesplatserna</textarea>');

    const valid = await t
      .http()
      .post(`/respond/${token}`)
      .field('position', 'no_comments')
      .field('comment_1', 'Bra att civilsamhället nämns.')
      .field('decision_case_number', 'BUN 2026/0042');
    expect(valid.status).toBe(201);
    expect(valid.text).toContain('<h1>Tack, ert svar är registrerat</h1>');
    const number = /handling <strong>([^<]+)<\/strong>/.exec(valid.text)![1];
    expect(number).toMatch(new RegExp(`^${fixture.caseNumber}-\\d+$`));
    const sections = await t
      .http()
      .get(`/api/rounds/${roundId}/sections`)
      .set('Authorization', fixture.registrar.auth);
    expect(sections.body.items).toEqual([
      {
        ref: '4.3 a',
        title: SECTIONS[0].title,
        comments: [
          expect.objectContaining({
            organisation: fixture.committees[0].name,
            text: 'Förvaltningen kan inte vara huvudansvarig.',
          }),
        ],
      },
      {
        ref: '5.1 a',
        title: SECTIONS[1].title,
        comments: [
          expect.objectContaining({
            organisation: outside.name,
            text: 'Funktionsrättsorganisationerna behöver nämnas.',
          }),
          expect.objectContaining({
            organisation: fixture.committees[1].name,
            text: 'Bra att civilsamhället nämns.',
            position: 'no_comments',
          }),
        ],
      },
    ]);
  });

  it('flags a late answer, compiles every answer in Word, and refuses answers once closed', async () => {
    // Three days later the deadline (two days after sending) has passed.
    await t.close({ keepData: true });
    t = await startTestApp({}, { ...config, clockOffsetMs: config.clockOffsetMs + 3 * DAY_MS });
    // The same JWT_SECRET: the tokens from before the restart still hold.
    const registrar = fixture.registrar;
    const token = tokenFor(fixture.committees[2].email);
    const late = await t.http().post(`/api/respond/${token}`).send({ position: 'declined' });
    expect(late.status).toBe(201);
    expect(late.body).toMatchObject({ late: true, position: 'declined' });
    const round = await t.http().get(`/api/rounds/${roundId}`).set('Authorization', registrar.auth);
    expect(round.body.summary).toEqual({
      total: 4,
      answered: 3,
      declined: 1,
      pending: 0,
      overdue: 0,
      failed: 0,
    });

    const compilation = await t
      .http()
      .get(`/api/rounds/${roundId}/compilation.docx`)
      .set('Authorization', registrar.auth)
      .buffer(true)
      .parse(binary);
    expect(compilation.status).toBe(200);
    expect(compilation.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    const words = await docxText(compilation.body as Buffer);
    for (const expected of [
      'Remissammanställning',
      'Strategi för inkludering',
      fixture.caseNumber,
      fixture.committees[0].name,
      fixture.committees[1].name,
      fixture.committees[2].name,
      outside.name,
      '4.3 a Attraktiva mötesplatser i bostadsområden',
      '5.1 a Sociala nätverk och civilsamhället',
      '”Förvaltningen kan inte vara huvudansvarig.”',
      '”Funktionsrättsorganisationerna behöver nämnas.”',
      '”Bra att civilsamhället nämns.”',
      'Nämnd 1 ' + stockholmDay(0) + ' § 87, dnr SFN 2026/0130',
      'Tillstyrker med synpunkter',
      'Avstyrker',
      'Avstår från att svara',
    ]) {
      expect(words).toContain(expected);
    }
    const registered = await t
      .http()
      .post(`/api/rounds/${roundId}/compilation`)
      .set('Authorization', registrar.auth);
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({
      direction: 'internal',
      title: 'Remissammanställning: Strategi för inkludering',
    });

    await t
      .http()
      .post(`/api/rounds/${roundId}/close`)
      .set('Authorization', registrar.auth)
      .send({ reason: 'Klart' });
    const afterClose = await answerAs(registrar.auth, {
      organisationId: fixture.committees[0].id,
      position: 'approve',
      summary: 'För sent',
      receivedVia: 'paper',
    });
    expect(afterClose.status).toBe(400); // paper needs its file
    const closed = await t
      .http()
      .post(`/api/rounds/${roundId}/responses`)
      .set('Authorization', registrar.auth)
      .field('organisationId', String(fixture.committees[0].id))
      .field('position', 'approve')
      .field('receivedVia', 'paper')
      .attach('files', pdf('inskannat'), { filename: 'svar.pdf' });
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('round_not_open');
  });
});

describe('answers from many link holders at once', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let fixture: RoundFixture;
  let consultee: { id: number; email: string };
  let roundId: number;

  const tokenFor = (address: string) =>
    LINK.exec(
      sink.mails.find((mail) => mail.to === address && mail.subject.startsWith('Remiss: Plan'))!
        .text,
    )![1];

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, PUBLIC_URL: 'https://remiss.kalmar.test' });
    fixture = await caseWithDraft(t, 6);
    // Keeps a register of its own, so the remiss is a case of its own there and the answer an
    // outgoing document of it.
    const socialnamnden = await createOrganisation(t, fixture.admin, {
      name: 'Socialnämnden',
      kind: 'committee',
      seriesCode: 'SN',
      email: 'socialnamnden@kalmar.test',
    });
    consultee = { id: socialnamnden.id, email: 'socialnamnden@kalmar.test' };
    const { id } = await sendRound(t, fixture, {
      title: 'Plan för mötesplatser',
      recipientKinds: ['committee'],
      sections: SECTIONS,
    });
    roundId = id;
    await waitFor(
      () => sink.mails.filter((mail) => mail.subject.startsWith('Remiss: Plan')).length,
      (count) => count >= 7,
    );
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('numbers every answer’s documents without gaps and replies with exactly the answer it stored', async () => {
    const holders = [...fixture.committees, { ...consultee, name: 'Socialnämnden' }];
    const comments = (index: number) => [
      { sectionRef: '4.3 A', text: `Synpunkt ${index + 1} på mötesplatserna.` },
      { sectionRef: '5.1 a', text: `Synpunkt ${index + 1} på civilsamhället.` },
    ];
    const replies = await Promise.all(
      holders.map((holder, index) => {
        const post = t.http().post(`/api/respond/${tokenFor(holder.email)}`);
        // Every third answer comes as its own files: the first is the answer, the rest attachments.
        if (index % 3 === 0) {
          return post
            .field('position', 'approve_with_comments')
            .field('comments', JSON.stringify(comments(index)))
            .attach('files', pdf(`Yttrande ${index}`), { filename: `Yttrande ${index}.pdf` })
            .attach('files', pdf(`Bilaga ${index}`), { filename: `Bilaga ${index}.pdf` });
        }
        return post.send({
          position: index % 2 ? 'approve_with_comments' : 'reject',
          summary: `  Sammanfattning ${index + 1}  `,
          comments: comments(index),
          decision: { organ: holder.name, paragraph: `§ ${index + 10}` },
        });
      }),
    );
    expect(replies.map((reply) => reply.status)).toEqual(holders.map(() => 201));

    // The reply is the stored answer: the same as the register reads it back.
    const stored = await t
      .http()
      .get(`/api/rounds/${roundId}/responses?history=true`)
      .set('Authorization', fixture.registrar.auth);
    expect(stored.body.items).toHaveLength(holders.length);
    for (const reply of replies) {
      expect(reply.body).toEqual(
        stored.body.items.find((item: { id: number }) => item.id === reply.body.id),
      );
    }
    expect(replies[1].body).toMatchObject({
      organisation: { id: fixture.committees[1].id, name: 'Nämnd 2' },
      summary: 'Sammanfattning 2',
      comments: [
        { sectionRef: '4.3 a', text: 'Synpunkt 2 på mötesplatserna.' },
        { sectionRef: '5.1 a', text: 'Synpunkt 2 på civilsamhället.' },
      ],
      decision: { organ: 'Nämnd 2', paragraph: '11' },
      receivedVia: 'link',
      current: true,
      supersedesId: null,
      replyDocumentNumber: null,
      redacted: false,
    });
    expect(replies[0].body.attachments).toEqual([
      {
        documentId: expect.any(Number),
        documentNumber: expect.stringMatching(/^KS \d{4}\/0001-\d+$/),
        fileName: 'Bilaga 0.pdf',
      },
    ]);

    // The draft and every answer's documents, numbered 1..n without a gap or a duplicate.
    const documents = await t.sql<{ number: number; direction: string }>(
      'SELECT number, direction FROM document WHERE case_id = ? ORDER BY number',
      [fixture.caseId],
    );
    const expected = 1 + replies.reduce((sum, reply) => sum + 1 + reply.body.attachments.length, 0);
    expect(documents.map((document) => document.number)).toEqual(
      Array.from({ length: expected }, (_, index) => index + 1),
    );
    expect(documents.filter((document) => document.direction === 'incoming')).toHaveLength(
      expected - 1,
    );
    const [counter] = await t.sql<{ document_count: number }>(
      'SELECT document_count FROM case_record WHERE id = ?',
      [fixture.caseId],
    );
    expect(counter.document_count).toBe(expected);

    // Socialnämnden's answer is also the outgoing document of its own case, with its own number.
    const own = replies[holders.length - 1].body;
    expect(own.replyDocumentNumber).toMatch(/^SN \d{4}\/0001-\d+$/);
    const [reply] = await t.sql<{ title: string; direction: string; counterpart: string }>(
      'SELECT title, direction, counterpart FROM document WHERE document_number = ?',
      [own.replyDocumentNumber],
    );
    expect(reply).toEqual({
      title: `Remissvar till Kommunstyrelsen (${fixture.caseNumber})`,
      direction: 'outgoing',
      counterpart: 'Kommunstyrelsen',
    });
    const [incoming] = await t.sql<{ title: string }>('SELECT title FROM document WHERE id = ?', [
      own.documentId,
    ]);
    expect(incoming.title).toBe(
      `Remissvar från Socialnämnden (${own.replyDocumentNumber.split('-')[0]})`,
    );

    // One audit row per answer and per registered document, and one receipt per answer.
    const audit = await t.sql<{ action: string; count: number }>(
      `SELECT action, COUNT(*) AS count FROM audit_event
        WHERE action IN ('round.response_submitted', 'document.registered')
          AND actor_label LIKE 'link: %' GROUP BY action ORDER BY action`,
    );
    expect(audit.map((row) => [row.action, Number(row.count)])).toEqual([
      // Socialnämnden's files once more, in its own case.
      ['document.registered', expected - 1 + 1 + own.attachments.length],
      ['round.response_submitted', holders.length],
    ]);
    const receipts = await waitFor(
      () => sink.mails.filter((mail) => mail.subject.startsWith('Kvittens')),
      (mails) => mails.length === holders.length,
    );
    expect(receipts.map((mail) => mail.subject).sort()).toEqual(
      replies
        .map(
          (answer) =>
            `Kvittens: remissvar registrerat ${answer.body.documentNumber} – Plan för mötesplatser (${fixture.caseNumber})`,
        )
        .sort(),
    );
  });
});
