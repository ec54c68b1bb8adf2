import { createOrganisation, createUser, type TestUser } from './helpers/factories.js';
import { caseWithDraft, sendRound, type RoundFixture } from './helpers/round-fixtures.js';
import { SmtpSink, waitFor, type ReceivedMail } from './helpers/smtp-sink.js';
import { startTestApp, TestApp } from './helpers/test-app.js';

const LINK = /\/respond\/([A-Za-z0-9_-]{43})/;

// Answers as people write them: "Inga synpunkter" and "Tillstyrker" on their own are complete
// answers, and a decision's paragraph and case number are stored in one form however written.
describe('answers as people write them', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let fixture: RoundFixture;
  let respondent: TestUser;
  let servicenamnden: { id: number; email: string };
  let outside: { id: number; email: string };
  let roundId: number;

  const tokenFor = (address: string) => {
    const mail = sink.mails.find(
      (candidate: ReceivedMail) =>
        candidate.to === address && candidate.subject.startsWith('Remiss: Riktlinjer'),
    );
    return LINK.exec(mail!.text)![1];
  };
  const answerAs = (organisationId: number, body: Record<string, unknown>) =>
    t
      .http()
      .post(`/api/rounds/${roundId}/responses`)
      .set('Authorization', respondent.auth)
      .send({ organisationId, ...body });
  const documentCount = async () =>
    (
      await t
        .http()
        .get(`/api/cases/${fixture.caseId}/documents`)
        .set('Authorization', fixture.registrar.auth)
    ).body.items.length as number;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url });
    fixture = await caseWithDraft(t, 4);
    const sfn = await createOrganisation(t, fixture.admin, {
      name: 'Servicenämnden',
      kind: 'committee',
      seriesCode: 'SFN',
      email: 'servicenamnden@kalmar.test',
    });
    servicenamnden = { id: sfn.id, email: 'servicenamnden@kalmar.test' };
    const external = await createOrganisation(t, fixture.admin, {
      name: 'Pensionärsrådet',
      kind: 'external',
      email: 'pensionarsradet@kalmar.test',
    });
    outside = { id: external.id, email: 'pensionarsradet@kalmar.test' };
    respondent = await createUser(
      t,
      fixture.admin,
      ['respondent'],
      fixture.committees.map((committee) => committee.id),
    );
    const { id } = await sendRound(t, fixture, {
      title: 'Riktlinjer för mötesplatser',
      recipientKinds: ['committee'],
      recipientOrganisationIds: [outside.id],
      sections: [{ ref: '4.3 a', title: 'Mötesplatser' }],
    });
    roundId = id;
    await waitFor(
      () => sink.mails.filter((mail) => mail.subject.startsWith('Remiss: Riktlinjer')).length,
      (count) => count >= 6,
    );
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('stores "§ 45", "45 §", "§45" and "45" as paragraph 45, and pads case numbers in known series', async () => {
    const written = [
      { paragraph: '§ 45', caseNumber: 'SFN 2021/130' },
      { paragraph: '45 §', caseNumber: 'sfn 2021/0130' },
      { paragraph: '§45', caseNumber: 'KS  2021 / 7' },
      { paragraph: '45', caseNumber: 'MBN 2021/130' },
    ];
    const stored = [];
    for (const [index, decision] of written.entries()) {
      const response = await answerAs(fixture.committees[index].id, {
        position: 'approve',
        decision: { organ: fixture.committees[index].name, ...decision },
      });
      expect(response.status).toBe(201);
      stored.push(response.body.decision);
    }
    expect(stored).toEqual([
      { organ: 'Nämnd 1', paragraph: '45', caseNumber: 'SFN 2021/0130' },
      { organ: 'Nämnd 2', paragraph: '45', caseNumber: 'SFN 2021/0130' },
      { organ: 'Nämnd 3', paragraph: '45', caseNumber: 'KS 2021/0007' },
      // No organisation keeps the series MBN: the number stays as written.
      { organ: 'Nämnd 4', paragraph: '45', caseNumber: 'MBN 2021/130' },
    ]);

    // The compilation shows them in the one form too.
    const compiled = await t
      .http()
      .get(`/api/rounds/${roundId}/responses`)
      .set('Authorization', fixture.registrar.auth);
    expect(
      compiled.body.items
        .map((item: { decision: { paragraph: string } }) => item.decision.paragraph)
        .sort(),
    ).toEqual(['45', '45', '45', '45']);
  });

  it('takes "Inget att invända" and "Tillstyrker" without anything more, through a link, on the page and by account', async () => {
    // Through the JSON link route: the position alone.
    const outsideAnswer = await t
      .http()
      .post(`/api/respond/${tokenFor(outside.email)}`)
      .send({ position: 'approve' });
    expect(outsideAnswer.status).toBe(201);
    expect(outsideAnswer.body).toMatchObject({
      position: 'approve',
      summary: null,
      comments: [],
      receivedVia: 'link',
    });

    // Through the page without JavaScript: only the position is filled in.
    const page = await t
      .http()
      .post(`/respond/${tokenFor(servicenamnden.email)}`)
      .field('position', 'no_comments')
      .field('summary', '')
      .field('decision_paragraph', '§ 12');
    expect(page.status).toBe(201);
    expect(page.text).toContain('<h1>Tack, ert svar är registrerat</h1>');

    const answers = await t
      .http()
      .get(`/api/rounds/${roundId}/responses`)
      .set('Authorization', fixture.registrar.auth);
    const byOrganisation = new Map(
      answers.body.items.map(
        (item: { organisation: { id: number } }) => [item.organisation.id, item] as const,
      ),
    );
    expect(byOrganisation.get(servicenamnden.id)).toMatchObject({
      position: 'no_comments',
      summary: null,
      comments: [],
      // Its own case names the decision, with the paragraph as given.
      decision: {
        organ: 'Servicenämnden',
        paragraph: '12',
        caseNumber: expect.stringMatching(/^SFN \d{4}\/0001$/),
      },
      receivedVia: 'link',
      replyDocumentNumber: expect.stringMatching(/^SFN \d{4}\/0001-\d+$/),
    });

    // Each is registered as a PDF of the answer in the sender's case, and a receipt is mailed.
    const documents = await t
      .http()
      .get(`/api/cases/${fixture.caseId}/documents`)
      .set('Authorization', fixture.registrar.auth);
    const registered = documents.body.items.filter(
      (document: { counterpart: string; direction: string }) =>
        ['Pensionärsrådet', 'Servicenämnden'].includes(document.counterpart) &&
        document.direction === 'incoming',
    );
    expect(
      registered.map((document: { title: string; mimeType: string }) => [
        document.title,
        document.mimeType,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['Remissvar från Pensionärsrådet', 'application/pdf'],
        [
          expect.stringMatching(/^Remissvar från Servicenämnden \(SFN \d{4}\/0001\)$/),
          'application/pdf',
        ],
      ]),
    );
    const receipts = await waitFor(
      () =>
        sink.mails.filter(
          (mail) =>
            mail.subject.startsWith('Kvittens') &&
            [outside.email, servicenamnden.email].includes(mail.to),
        ),
      (mails) => mails.length === 2,
    );
    expect(
      receipts.map((mail) => /Ställningstagande: (.+)/.exec(mail.text)![1].trim()).sort(),
    ).toEqual(['Inget att invända', 'Tillstyrker']);
  });

  it('still wants a comment, a summary or a file with "med synpunkter" and "avstyrker"', async () => {
    const before = await documentCount();
    for (const position of ['approve_with_comments', 'reject']) {
      const empty = await t
        .http()
        .post(`/api/rounds/${roundId}/responses`)
        .set('Authorization', respondent.auth)
        .send({ organisationId: fixture.committees[0].id, position, summary: '   ' });
      expect(empty.status).toBe(400);
      expect(empty.body.details).toEqual([
        {
          field: 'summary',
          messages: [
            `summary, comments or files must hold the answer when position is ${position}`,
          ],
        },
      ]);
    }
    expect(await documentCount()).toBe(before);
  });
});
