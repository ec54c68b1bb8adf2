import { createHash } from 'node:crypto';
import { instantAt } from '../../src/common/clock.js';
import {
  addDays,
  workingDayOnOrAfter,
  workingDayOnOrBefore,
} from '../../src/common/working-days.js';
import type { AppConfig } from '../../src/config/env.schema.js';
import {
  el,
  unzip,
  xmlFile,
  xmllintMissing,
  xmllintSchemaErrors,
  xmllintWellFormed,
  xpath,
} from '../helpers/archive-package.js';
import { binary, docxText, pageText } from '../helpers/docx-text.js';
import { adminAuth, createOrganisation, createUser, type TestUser } from '../helpers/factories.js';
import { pdf } from '../helpers/files.js';
import { stockholmDay } from '../helpers/round-fixtures.js';
import { SmtpSink, waitFor, type ReceivedMail } from '../helpers/smtp-sink.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/*
 * The whole remiss of DESIGN.md and reference case 003 through the HTTP API, both sides of it:
 * Kommunstyrelsen registers the strategy, its utskott decides in § 19 to send it on remiss,
 * every committee and company (and one outside body) gets it, the committees with a case series
 * of their own register it as a case of their own, answer from there, and the round ends with
 * a compilation and the final decision. Steps run in order and share their state; time moves
 * with CLOCK_OFFSET (the app restarts on the same database).
 */

const ZONE = 'Europe/Stockholm';
const LINK = /\/respond\/([A-Za-z0-9_-]{43})/;
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Asserts that every part occurs in the text, in this order. */
function expectInOrder(text: string, parts: string[]): void {
  let at = 0;
  for (const part of parts) {
    const found = text.indexOf(part, at);
    expect({ part, found: found >= 0 }).toEqual({ part, found: true });
    at = found + part.length;
  }
}

const KS = 'Kommunstyrelsen';
const UTSKOTT = 'Kommunstyrelsens utskott för integration och arbetsmarknad';
const SFN = 'Servicenämnden';
const BUN = 'Barn- och ungdomsnämnden';
const KALMARHEM = 'Kalmarhem AB';
const OUTSIDE = 'Funktionsrätt Kalmar län';
/** A committee without a series of its own that never answers. */
const SILENT = 'Kultur- och fritidsnämnden';
const EMAIL: Record<string, string> = {
  [KS]: 'kommunstyrelsen@kalmar.test',
  [UTSKOTT]: 'integrationsutskottet@kalmar.test',
  [SFN]: 'servicenamnden@kalmar.test',
  [BUN]: 'barn.ungdom@kalmar.test',
  [KALMARHEM]: 'info@kalmarhem.test',
  [OUTSIDE]: 'kansli@funktionsratt-kalmar.test',
  [SILENT]: 'kultur.fritid@kalmar.test',
};

const CASE_TITLE = 'Strategi för etnisk och kulturell inkludering 2022–2025';
const DRAFT_TITLE = 'Förslag till strategi för etnisk och kulturell inkludering';
/** The round's title says Remiss; mails and the consultees' cases do not say it twice. */
const TITLE = 'Strategi för etnisk och kulturell inkludering 2022–2025';
const ROUND_TITLE = `Remiss: ${TITLE}`;
const MESSAGE =
  'Kommunledningskontoret har tagit fram ett förslag till strategi för etnisk och kulturell inkludering. Utskottet har beslutat att skicka förslaget på remiss till samtliga nämnder och bolag.';
const SECTIONS = [
  { ref: '4.3 a', title: 'Attraktiva mötesplatser i bostadsområden' },
  { ref: '5.1 a', title: 'Sociala nätverk och civilsamhället' },
];
const PARAGRAPH_19 = {
  title: 'Strategi för etnisk och kulturell inkludering – beslut om remiss',
  documents: 'Kommunledningskontorets skrivelse.\nFörslag till strategi.',
  background: 'I juni 2016 antogs Vision 2025 där kommunens övergripande visioner formuleras.',
  decision: 'Strategin skickas på remiss till samtliga nämnder och bolag inom kommunkoncernen.',
  sendTo: ['Samtliga nämnder och bolag'],
};
const PARAGRAPH_20 = {
  title: 'Strategi för etnisk och kulturell inkludering – beslut efter remiss',
  background: 'Förslaget har varit på remiss; svaren framgår av remissammanställningen.',
  decision:
    'Utskottet föreslår kommunstyrelsen att anta strategin med de ändringar som remissen gett.',
};
const SFN_SUMMARY =
  'Förvaltningen är positiv till att det skapas en tydlighet kring arbetet med etnisk och kulturell inkludering inom kommunen.';
const SFN_COMMENT =
  'Serviceförvaltningen beslutar inte kring etablering av mötesplatser i bostadsområden och kan således inte vara huvudansvarig för denna punkt.';
const OUTSIDE_COMMENT = 'Föreningarna vill vara med när nätverken byggs upp.';

interface DocumentRow {
  id: number;
  documentNumber: string;
  direction: string;
  title: string;
  counterpart: string | null;
  date: string;
  mimeType: string;
  sha256: string;
}
interface RecipientRow {
  id: number;
  organisation: { id: number; name: string };
  status: string;
  deadline: string;
  extended: boolean;
  overdue: boolean;
  late: boolean;
  ownCaseId: number | null;
  ownCaseNumber: string | null;
}

describe('the remiss of a strategy, from § 19 to the final decision, on both sides', () => {
  let sink: SmtpSink;
  let config: AppConfig;
  let t: TestApp;
  let admin: string;
  let registrar: TestUser;
  let clerk: TestUser;
  let sfnRespondent: TestUser;
  let bunRespondent: TestUser;
  let reader: TestUser;
  const org: Record<string, number> = {};

  // The real calendar: the case, § 19 and the round happen today.
  const today = stockholmDay(0);
  const year = today.slice(0, 4);
  const ks = `KS ${year}/0001`;
  const sfnCase = `SFN ${year}/0001`;
  const bunCase = `BUN ${year}/0001`;
  const meetingDay = stockholmDay(-5);
  const adjustedOn = stockholmDay(-4);
  const meetingYear = Number(meetingDay.slice(0, 4));
  // A deadline on a working day more than three weeks ahead: no warnings.
  const deadline = workingDayOnOrAfter(addDays(today, 30));
  const dayBefore = workingDayOnOrBefore(addDays(deadline, -1));
  const dayAfter = workingDayOnOrAfter(addDays(deadline, 1));
  // Servicenämnden's extension reaches well past the morning after the round's deadline.
  const extendedTo = workingDayOnOrAfter(addDays(deadline, 21));
  const sfnDecisionDay = addDays(dayAfter, -1);

  let caseId: number;
  let draft: { id: number; bytes: Buffer };
  let meetingId: number;
  let itemId: number;
  let extractSha: string;
  let roundId: number;
  const recipient: Record<string, RecipientRow> = {};
  const token: Record<string, string> = {};
  let sfnCaseId: number;
  let bunCaseId: number;

  const as = (user: TestUser | string) => (typeof user === 'string' ? user : user.auth);
  const get = (path: string, user: TestUser | string = registrar) =>
    t.http().get(path).set('Authorization', as(user));
  const post = (path: string, body: object, user: TestUser | string = registrar) =>
    t.http().post(path).set('Authorization', as(user)).send(body);
  const download = (path: string, user: TestUser | string = registrar) =>
    t.http().get(path).set('Authorization', as(user)).buffer(true).parse(binary);
  const documentsOf = async (id: number): Promise<DocumentRow[]> => {
    const response = await get(`/api/cases/${id}/documents`);
    expect(response.status).toBe(200);
    return response.body.items as DocumentRow[];
  };
  const thread = (documents: DocumentRow[]) =>
    documents.map((d) => [d.documentNumber, d.direction, d.title, d.counterpart]);
  const mailsOf = (subject: RegExp) => sink.mails.filter((mail) => subject.test(mail.subject));
  const addressesOf = (mails: ReceivedMail[]) => mails.map((mail) => mail.to).sort();
  /** Waits for `count` mails with the subject and an empty outbox, then a little for duplicates. */
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
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return mailsOf(subject);
  };
  /** Stops the app and starts it again with its clock at `at` (CLOCK_OFFSET), same database. */
  const restartAt = async (at: Date) => {
    await t.close({ keepData: true });
    t = await startTestApp({}, { ...config, clockOffsetMs: at.getTime() - Date.now() });
  };
  const roundRecipients = async (): Promise<RecipientRow[]> => {
    const response = await get(`/api/rounds/${roundId}`);
    expect(response.status).toBe(200);
    return response.body.recipients as RecipientRow[];
  };

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({
      SMTP_URL: sink.url,
      PUBLIC_URL: 'https://remiss.kalmar.test',
      MUNICIPALITY_NAME: 'Kalmar kommun',
    });
    config = t.config;
    admin = await adminAuth(t);
    org[KS] = (
      await createOrganisation(t, admin, {
        name: KS,
        kind: 'council',
        seriesCode: 'KS',
        email: EMAIL[KS],
      })
    ).id;
    // The utskott keeps no series of its own: its cases are Kommunstyrelsen's.
    org[UTSKOTT] = (
      await createOrganisation(t, admin, {
        name: UTSKOTT,
        kind: 'committee',
        parentId: org[KS],
        email: EMAIL[UTSKOTT],
      })
    ).id;
    for (const [name, seriesCode] of [
      [SFN, 'SFN'],
      [BUN, 'BUN'],
    ]) {
      org[name] = (
        await createOrganisation(t, admin, {
          name,
          kind: 'committee',
          seriesCode,
          email: EMAIL[name],
        })
      ).id;
    }
    org[SILENT] = (
      await createOrganisation(t, admin, { name: SILENT, kind: 'committee', email: EMAIL[SILENT] })
    ).id;
    org[KALMARHEM] = (
      await createOrganisation(t, admin, {
        name: KALMARHEM,
        kind: 'company',
        email: EMAIL[KALMARHEM],
      })
    ).id;
    org[OUTSIDE] = (
      await createOrganisation(t, admin, { name: OUTSIDE, kind: 'external', email: EMAIL[OUTSIDE] })
    ).id;
    registrar = await createUser(t, admin, ['registrar'], [org[KS]]);
    clerk = await createUser(t, admin, ['clerk'], [org[KS]]);
    sfnRespondent = await createUser(t, admin, ['respondent'], [org[SFN]]);
    bunRespondent = await createUser(t, admin, ['respondent'], [org[BUN]]);
    reader = await createUser(t, admin, ['reader']);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('1. registers the case KS <year>/0001 and the draft as its first document', async () => {
    const registered = await post('/api/cases', { title: CASE_TITLE, organisationId: org[KS] });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({
      caseNumber: ks,
      title: CASE_TITLE,
      organisationId: org[KS],
      status: 'open',
    });
    caseId = registered.body.id;
    const bytes = pdf(DRAFT_TITLE);
    const uploaded = await t
      .http()
      .post(`/api/cases/${caseId}/documents`)
      .set('Authorization', registrar.auth)
      .field('title', DRAFT_TITLE)
      .field('direction', 'internal')
      .attach('file', bytes, { filename: 'Förslag till strategi.pdf' });
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({
      documentNumber: `${ks}-1`,
      mimeType: 'application/pdf',
      sha256: sha256(bytes),
      size: bytes.length,
    });
    draft = { id: uploaded.body.id, bytes };
  });

  it('2. records the utskott’s § 19, adjusts it and registers its extract as KS <year>/0001-2', async () => {
    const meeting = await post(
      '/api/meetings',
      {
        organisationId: org[UTSKOTT],
        date: meetingDay,
        startsAt: '08:30',
        place: 'Stadshuset, sal A',
        chair: 'Dzenita Abaza',
        secretary: 'Oliver Wykman',
        adjusters: ['Lars Nilsson'],
      },
      clerk,
    );
    expect(meeting.status).toBe(201);
    expect(meeting.body).toMatchObject({ organisationId: org[UTSKOTT], status: 'planned' });
    meetingId = meeting.body.id;

    // The minutes come from another system that had reached § 18 this year.
    expect(
      (
        await t
          .http()
          .put(`/api/organisations/${org[UTSKOTT]}/paragraph-sequence`)
          .set('Authorization', clerk.auth)
          .send({ year: meetingYear, next: 19 })
      ).status,
    ).toBe(403);
    const sequence = await t
      .http()
      .put(`/api/organisations/${org[UTSKOTT]}/paragraph-sequence`)
      .set('Authorization', admin)
      .send({ year: meetingYear, next: 19 });
    expect(sequence.status).toBe(200);
    expect(sequence.body).toEqual({ organisationId: org[UTSKOTT], year: meetingYear, next: 19 });

    const item = await post(`/api/meetings/${meetingId}/items`, { ...PARAGRAPH_19, caseId }, clerk);
    expect(item.status).toBe(201);
    expect(item.body).toMatchObject({
      paragraph: 19,
      caseId,
      caseNumber: ks,
      adjusted: false,
      extractDocumentId: null,
      sendTo: [{ organisationId: null, name: 'Samtliga nämnder och bolag' }],
    });
    itemId = item.body.id;

    const adjusted = await post(`/api/meetings/${meetingId}/adjust`, { adjustedOn }, clerk);
    expect(adjusted.status).toBe(200);
    expect(adjusted.body).toMatchObject({ status: 'adjusted', adjustedOn });
    expect((await documentsOf(caseId)).map((d) => d.documentNumber)).toEqual([`${ks}-1`]);

    const extract = await download(
      `/api/meetings/${meetingId}/items/${itemId}/extract.docx`,
      clerk,
    );
    expect(extract.status).toBe(200);
    expect(extract.headers['content-type']).toContain(DOCX);
    const bytes = extract.body as Buffer;
    extractSha = sha256(bytes);
    const text = await pageText(bytes);
    expectInOrder(text, [
      'Kalmar kommun',
      UTSKOTT,
      'UTDRAG',
      'Sammanträdesdatum',
      meetingDay,
      '§ 19',
      PARAGRAPH_19.title,
      'Dnr',
      ks,
      'Handlingar',
      'Kommunledningskontorets skrivelse.',
      'Bakgrund',
      PARAGRAPH_19.background,
      'Beslut',
      PARAGRAPH_19.decision,
      'Expedieras till',
      'Samtliga nämnder och bolag',
      'Sekreterare',
      'Oliver Wykman',
      'Justeras',
      'Dzenita Abaza',
      'Lars Nilsson',
      'Utdragsbestyrkande',
    ]);
    expect(text).not.toContain('UTKAST');

    const documents = await documentsOf(caseId);
    expect(thread(documents)).toEqual([
      [`${ks}-1`, 'internal', DRAFT_TITLE, null],
      [
        `${ks}-2`,
        'outgoing',
        `Protokollsutdrag ${UTSKOTT} ${meetingDay} § 19: ${PARAGRAPH_19.title}`,
        'Samtliga nämnder och bolag',
      ],
    ]);
    expect(documents[1]).toMatchObject({ date: adjustedOn, mimeType: DOCX, sha256: extractSha });
  });

  it('3. sends the round to every committee and company and the outside body; the committees with a series get a case of their own', async () => {
    const created = await post(`/api/cases/${caseId}/rounds`, {
      title: ROUND_TITLE,
      deadline,
      documentIds: [draft.id],
      recipientKinds: ['committee', 'company'],
      recipientOrganisationIds: [org[OUTSIDE]],
      message: MESSAGE,
      sections: SECTIONS,
      decisionItemId: itemId,
    });
    expect(created.status).toBe(201);
    roundId = created.body.id;
    // Every committee and company except the case owner, Kommunstyrelsen, and its own utskott.
    expect(created.body).toMatchObject({ status: 'draft', decisionItemId: itemId, deadline });
    expect(
      created.body.recipients.map((r: RecipientRow) => [r.organisation.name, r.status]),
    ).toEqual([
      [BUN, 'pending'],
      [OUTSIDE, 'pending'],
      [KALMARHEM, 'pending'],
      [SILENT, 'pending'],
      [SFN, 'pending'],
    ]);

    const sent = await post(`/api/rounds/${roundId}/send`, {});
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ queued: 5, warnings: [] });
    expect(
      sent.body.round.documents.map((d: { documentNumber: string }) => d.documentNumber),
    ).toEqual([`${ks}-1`, `${ks}-2`]);
    expect(
      (sent.body.round.recipients as RecipientRow[]).map((r) => [
        r.organisation.name,
        r.ownCaseNumber,
      ]),
    ).toEqual([
      [BUN, bunCase],
      [OUTSIDE, null],
      [KALMARHEM, null],
      [SILENT, null],
      [SFN, sfnCase],
    ]);
    // `sent` once the mail server has accepted each invitation (`queued` until then).
    const recipients = await waitFor(
      async () => (await get(`/api/rounds/${roundId}`)).body.recipients as RecipientRow[],
      (rows) => rows.every((r) => r.status === 'sent'),
    );
    expect(recipients.map((r) => [r.organisation.name, r.status, r.ownCaseNumber])).toEqual([
      [BUN, 'sent', bunCase],
      [OUTSIDE, 'sent', null],
      [KALMARHEM, 'sent', null],
      [SILENT, 'sent', null],
      [SFN, 'sent', sfnCase],
    ]);
    for (const row of recipients) recipient[row.organisation.name] = row;
    sfnCaseId = recipient[SFN].ownCaseId!;
    bunCaseId = recipient[BUN].ownCaseId!;
    expect(recipients.filter((r) => r.ownCaseId !== null)).toHaveLength(2);
    // The extract of § 19 was already registered: sending added no document to the case.
    expect((await documentsOf(caseId)).map((d) => d.documentNumber)).toEqual([
      `${ks}-1`,
      `${ks}-2`,
    ]);

    // One invitation per mailbox, each with its own link, the draft and the extract attached.
    const invitations = await settled(/^Remiss: /, 5);
    expect(invitations).toHaveLength(5);
    expect(addressesOf(invitations)).toEqual(
      [BUN, OUTSIDE, KALMARHEM, SILENT, SFN].map((name) => EMAIL[name]).sort(),
    );
    for (const name of [BUN, OUTSIDE, KALMARHEM, SILENT, SFN]) {
      const [mail] = sink.to(EMAIL[name]);
      expect(mail.subject).toBe(`Remiss: ${TITLE} (${ks}) – svar senast ${deadline}`);
      expect(mail.text).toContain(`Till ${name}`);
      expect(mail.text).toContain(`${ks}-1 ${DRAFT_TITLE}`);
      expect(mail.text).toContain('- 4.3 a Attraktiva mötesplatser i bostadsområden');
      expect(mail.attachments.map((a) => a.filename)).toEqual([
        'Förslag till strategi.pdf',
        expect.stringMatching(/^Protokollsutdrag .*§ 19\.docx$/),
      ]);
      expect(sha256(mail.attachments[0].content)).toBe(sha256(draft.bytes));
      expect(sha256(mail.attachments[1].content)).toBe(extractSha);
      token[name] = LINK.exec(mail.text)![1];
      // A consultee with its own case is told its number; the others are not.
      const own = { [SFN]: `SFN ${year}/0001`, [BUN]: `BUN ${year}/0001` }[name];
      if (own) expect(mail.text).toContain(`Remissen är registrerad hos er som ärende ${own}.`);
      else expect(mail.text).not.toContain('Remissen är registrerad hos er');
    }
    expect(new Set(Object.values(token)).size).toBe(5);
    const view = await t.http().get(`/api/respond/${token[KALMARHEM]}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      recipient: KALMARHEM,
      sender: KS,
      caseNumber: ks,
      deadline,
      extended: false,
    });

    // Servicenämnden's and Barn- och ungdomsnämndens own cases: the missiv, the draft, the extract.
    for (const [name, id, number] of [
      [SFN, sfnCaseId, sfnCase],
      [BUN, bunCaseId, bunCase],
    ] as const) {
      const own = await get(`/api/cases/${id}`);
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({
        caseNumber: number,
        title: `Remiss: Strategi för etnisk och kulturell inkludering 2022–2025 (${ks})`,
        description: `Remiss från ${KS}, dnr ${ks}. Svar senast ${deadline}.`,
        organisationId: org[name],
        status: 'open',
        confidential: false,
      });
      const documents = await documentsOf(id);
      expect(thread(documents)).toEqual([
        [`${number}-1`, 'incoming', `Missiv: ${TITLE} (${ks})`, KS],
        [`${number}-2`, 'incoming', DRAFT_TITLE, KS],
        [
          `${number}-3`,
          'incoming',
          `Protokollsutdrag ${UTSKOTT} ${meetingDay} § 19: ${PARAGRAPH_19.title}`,
          KS,
        ],
      ]);
      expect(documents.map((d) => [d.date, d.mimeType])).toEqual([
        [today, 'application/pdf'],
        [today, 'application/pdf'],
        [today, DOCX],
      ]);
      expect(documents[1].sha256).toBe(sha256(draft.bytes));
      expect(documents[2].sha256).toBe(extractSha);
      const letter = await download(`/api/documents/${documents[0].id}/content`);
      expect(letter.status).toBe(200);
      expect((letter.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    }
    // No organisation without a series got a case: only KS, SFN and BUN cases exist.
    const cases = await get('/api/cases');
    expect(cases.body.items.map((c: { caseNumber: string }) => c.caseNumber).sort()).toEqual(
      [bunCase, ks, sfnCase].sort(),
    );
  });

  it('4. shows each respondent its own inbox entry, and refuses the reader', async () => {
    const sfnInbox = await get('/api/inbox', sfnRespondent);
    expect(sfnInbox.status).toBe(200);
    expect(sfnInbox.body.nextCursor).toBeNull();
    expect(sfnInbox.body.items).toHaveLength(1);
    expect(sfnInbox.body.items[0]).toMatchObject({
      id: recipient[SFN].id,
      organisation: { id: org[SFN], name: SFN },
      status: 'sent',
      deadline,
      extended: false,
      overdue: false,
      ownCaseId: sfnCaseId,
      ownCaseNumber: sfnCase,
      round: {
        id: roundId,
        caseId,
        caseNumber: ks,
        title: ROUND_TITLE,
        status: 'sent',
        sender: KS,
      },
    });
    const bunInbox = await get('/api/inbox', bunRespondent);
    expect(bunInbox.status).toBe(200);
    expect(
      bunInbox.body.items.map((item: RecipientRow & { round: { id: number } }) => [
        item.id,
        item.organisation.name,
        item.ownCaseNumber,
        item.round.id,
      ]),
    ).toEqual([[recipient[BUN].id, BUN, bunCase, roundId]]);
    // Kommunstyrelsen's own registrar is not a consultee; the admin sees every entry.
    expect((await get('/api/inbox', registrar)).body.items).toEqual([]);
    const all = await get('/api/inbox', admin);
    expect(all.body.items.map((item: RecipientRow) => item.organisation.name).sort()).toEqual(
      [BUN, OUTSIDE, KALMARHEM, SILENT, SFN].sort(),
    );
    const refused = await get('/api/inbox', reader);
    expect(refused.status).toBe(403);
    // A respondent sees the round only through its own place in it.
    const round = await get(`/api/rounds/${roundId}`, sfnRespondent);
    expect(round.status).toBe(200);
    expect(round.body.recipients.map((r: RecipientRow) => r.organisation.name)).toEqual([SFN]);
  });

  it('5. drafts Servicenämnden’s memo before it has answered, only for its own people, and only with a case of its own', async () => {
    const memo = await download(`/api/inbox/${recipient[SFN].id}/memo.docx`, sfnRespondent);
    expect(memo.status).toBe(200);
    expect(memo.headers['content-type']).toContain(DOCX);
    const text = await docxText(memo.body as Buffer);
    expectInOrder(text, [
      'Handläggare',
      'Test respondent',
      'TJÄNSTESKRIVELSE',
      'UTKAST',
      'Datum',
      today,
      'Ärendebeteckning',
      sfnCase,
      SFN,
      'Remissvar gällande strategi för etnisk och kulturell inkludering 2022–2025',
      'Förslag till beslut',
      'Servicenämnden beslutar att anta förvaltningens yttrande som sitt eget och överlämnar det till kommunstyrelsen för vidare handläggning.',
      'Bakgrund',
      // Written for the committee: what came in, from whom, when, and by when to answer.
      `Kommunstyrelsen har skickat strategi för etnisk och kulturell inkludering 2022–2025 på remiss till ${SFN} (dnr ${ks}). Remissen kom in ${today} och är registrerad i ärende ${sfnCase}. Svaret ska lämnas till kommunstyrelsen senast ${deadline}.`,
      'Yttrande',
      '[Skriv förvaltningens yttrande här.]',
      'Bilagor',
      `Bilaga 1, ${DRAFT_TITLE}.`,
      `Bilaga 2, Protokollsutdrag ${UTSKOTT} ${meetingDay} § 19: ${PARAGRAPH_19.title}.`,
    ]);
    expect(text).not.toContain('Punkt ');
    // The cover letter speaks to the recipient ("er"); it does not belong in the committee's memo.
    expect(text).not.toContain(MESSAGE);

    const foreign = await get(`/api/inbox/${recipient[SFN].id}/memo.docx`, bunRespondent);
    // Another organisation's entry answers as one that does not exist, naming no one.
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('not_found');
    const noCase = await get(`/api/inbox/${recipient[KALMARHEM].id}/memo.docx`, registrar);
    expect(noCase.status).toBe(409);
    expect(noCase.body.code).toBe('no_own_case');
    expect((await get('/api/inbox/999999/memo.docx', registrar)).status).toBe(404);
    expect((await get(`/api/inbox/${recipient[SFN].id}/memo.docx`, reader)).status).toBe(403);
  });

  it('6. grants Servicenämnden an extension and confirms it by mail', async () => {
    const granted = await post(`/api/rounds/${roundId}/recipients/${recipient[SFN].id}/extension`, {
      deadline: extendedTo,
      reason: 'Servicenämnden sammanträder först efter svarsdagen.',
    });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({
      recipientId: recipient[SFN].id,
      previousDeadline: deadline,
      deadline: extendedTo,
      reason: 'Servicenämnden sammanträder först efter svarsdagen.',
      grantedBy: registrar.id,
    });
    const [confirmation] = await settled(/^Anstånd beviljat/, 1);
    expect(confirmation.to).toBe(EMAIL[SFN]);
    expect(confirmation.subject).toBe(
      `Anstånd beviljat till ${extendedTo}: ${ROUND_TITLE} (${ks})`,
    );
    expect(confirmation.text).toContain(`Tidigare sista dag var ${deadline}.`);
    expect(confirmation.text).toContain(
      'Skäl: Servicenämnden sammanträder först efter svarsdagen.',
    );
    const inbox = await get('/api/inbox', sfnRespondent);
    expect(inbox.body.items[0]).toMatchObject({ deadline: extendedTo, extended: true });
  });

  it('7. takes Barn- och ungdomsnämndens answer in both cases and Kalmarhem AB’s decline through its link', async () => {
    const answered = await post(
      `/api/rounds/${roundId}/responses`,
      {
        organisationId: org[BUN],
        position: 'approve',
        summary: 'Barn- och ungdomsnämnden tillstyrker förslaget till strategi.',
      },
      bunRespondent,
    );
    expect(answered.status).toBe(201);
    expect(answered.body).toMatchObject({
      organisation: { id: org[BUN], name: BUN },
      position: 'approve',
      receivedVia: 'account',
      submittedBy: bunRespondent.id,
      late: false,
      current: true,
      documentNumber: `${ks}-3`,
      replyDocumentNumber: `${bunCase}-4`,
    });
    // No decision given: the own case is named as the decision's case number.
    expect(answered.body.decision).toEqual({ organ: BUN, caseNumber: bunCase });

    const declined = await t
      .http()
      .post(`/api/respond/${token[KALMARHEM]}`)
      .send({ position: 'declined', summary: 'Kalmarhem AB avstår från att yttra sig.' });
    expect(declined.status).toBe(201);
    expect(declined.body).toMatchObject({
      organisation: { id: org[KALMARHEM], name: KALMARHEM },
      position: 'declined',
      receivedVia: 'link',
      submittedBy: null,
      decision: null,
      late: false,
      documentNumber: `${ks}-4`,
      replyDocumentNumber: null,
    });

    const receipts = await settled(/^Kvittens: /, 2);
    expect(receipts.map((mail) => [mail.to, mail.subject]).sort()).toEqual(
      [
        [EMAIL[BUN], `Kvittens: remissvar registrerat ${ks}-3 – ${ROUND_TITLE} (${ks})`],
        [EMAIL[KALMARHEM], `Kvittens: remissvar registrerat ${ks}-4 – ${ROUND_TITLE} (${ks})`],
      ].sort(),
    );

    const senderSide = await documentsOf(caseId);
    expect(thread(senderSide.slice(2))).toEqual([
      [`${ks}-3`, 'incoming', `Remissvar från ${BUN} (${bunCase})`, BUN],
      [`${ks}-4`, 'incoming', `Remissvar från ${KALMARHEM}`, KALMARHEM],
    ]);
    const bunSide = await documentsOf(bunCaseId);
    expect(thread(bunSide)).toHaveLength(4);
    expect(thread(bunSide)[3]).toEqual([
      `${bunCase}-4`,
      'outgoing',
      `Remissvar till ${KS} (${ks})`,
      KS,
    ]);
    // One answer, the same bytes on both sides.
    expect(bunSide[3].sha256).toBe(senderSide[2].sha256);
    expect(bunSide[3].mimeType).toBe('application/pdf');

    const summary = (await get(`/api/rounds/${roundId}`)).body.summary;
    expect(summary).toEqual({
      total: 5,
      answered: 1,
      declined: 1,
      pending: 3,
      overdue: 0,
      failed: 0,
    });

    const sender = await get(`/api/cases/${caseId}`, reader);
    expect(sender.status).toBe(200);
    expect(sender.body.relatedCases).toEqual([
      {
        relation: 'remiss_sent_to',
        caseId: bunCaseId,
        caseNumber: bunCase,
        organisation: BUN,
        roundId,
      },
      {
        relation: 'remiss_sent_to',
        caseId: sfnCaseId,
        caseNumber: sfnCase,
        organisation: SFN,
        roundId,
      },
    ]);
    const consultee = await get(`/api/cases/${bunCaseId}`);
    expect(consultee.body.relatedCases).toEqual([
      { relation: 'remiss_received_from', caseId, caseNumber: ks, organisation: KS, roundId },
    ]);
  });

  it('8. reminds the day before and sends overdue notices the day after only to those who owe an answer', async () => {
    const sweep = async () => {
      const response = await post('/api/admin/reminders/sweep', {}, admin);
      expect(response.status).toBe(200);
      return response.body as { queued: number; skipped: number };
    };

    // The morning before the deadline (a worker also sweeps as it starts: two in all).
    await restartAt(instantAt(dayBefore, 9, ZONE));
    expect((await sweep()).queued).toBeLessThanOrEqual(2);
    expect((await sweep()).queued).toBe(0);
    const reminders = await settled(/^Påminnelse: /, 2);
    expect(addressesOf(reminders)).toEqual([EMAIL[OUTSIDE], EMAIL[SILENT]].sort());
    for (const mail of reminders) {
      expect(mail.subject).toBe(`Påminnelse: svar senast ${deadline} – ${ROUND_TITLE} (${ks})`);
    }

    // The morning after: overdue notices to the same two; Servicenämnden has time until later.
    await restartAt(instantAt(dayAfter, 9, ZONE));
    expect((await sweep()).queued).toBeLessThanOrEqual(2);
    expect((await sweep()).queued).toBe(0);
    const notices = await settled(/^Svarstiden har gått ut/, 2);
    expect(addressesOf(notices)).toEqual([EMAIL[OUTSIDE], EMAIL[SILENT]].sort());
    for (const mail of notices) {
      expect(mail.subject).toBe(`Svarstiden har gått ut: ${ROUND_TITLE} (${ks})`);
      expect(mail.text).toContain(`(${deadline})`);
    }
    expect(mailsOf(/^Påminnelse: /)).toHaveLength(2);
    expect(sink.to(EMAIL[SFN]).map((mail) => mail.subject.split(':')[0])).toEqual([
      'Remiss',
      'Anstånd beviljat till ' + extendedTo,
    ]);

    const log = await get(`/api/rounds/${roundId}/reminders`);
    expect(log.status).toBe(200);
    const byOrganisation = (name: string) =>
      log.body.items
        .filter((item: { organisation: string }) => item.organisation === name)
        .map(
          (item: { type: string; days: number; deadline: string; status: string }) =>
            `${item.type}:${item.days} ${item.deadline} ${item.status}`,
        );
    const answeredEarly = [
      `before:7 ${deadline} skipped`,
      `before:1 ${deadline} skipped`,
      `overdue:1 ${deadline} skipped`,
    ];
    const silent = [
      `before:7 ${deadline} skipped`,
      `before:1 ${deadline} queued`,
      `overdue:1 ${deadline} queued`,
    ];
    expect(byOrganisation(BUN)).toEqual(answeredEarly);
    expect(byOrganisation(KALMARHEM)).toEqual(answeredEarly);
    expect(byOrganisation(SILENT)).toEqual(silent);
    expect(byOrganisation(OUTSIDE)).toEqual(silent);
    expect(byOrganisation(SFN)).toEqual([
      `before:7 ${deadline} cancelled`,
      `before:1 ${deadline} cancelled`,
      `overdue:1 ${deadline} cancelled`,
      `before:7 ${extendedTo} planned`,
      `before:1 ${extendedTo} planned`,
      `overdue:1 ${extendedTo} planned`,
    ]);

    const round = await get(`/api/rounds/${roundId}`);
    expect(round.body.summary).toEqual({
      total: 5,
      answered: 1,
      declined: 1,
      pending: 1,
      overdue: 2,
      failed: 0,
    });
    const overdue = await get('/api/recipients?overdue=true');
    expect(overdue.body.items.map((item: RecipientRow) => item.organisation.name).sort()).toEqual(
      [OUTSIDE, SILENT].sort(),
    );
  });

  it('9. takes the outside body’s late answer through its link and Servicenämnden’s in time for its extension, in both cases', async () => {
    const outside = await t
      .http()
      .post(`/api/respond/${token[OUTSIDE]}`)
      .send({
        position: 'approve_with_comments',
        summary: 'Föreningen välkomnar strategin.',
        comments: [{ sectionRef: '5.1 A', text: OUTSIDE_COMMENT }],
      });
    expect(outside.status).toBe(201);
    expect(outside.body).toMatchObject({
      organisation: { id: org[OUTSIDE], name: OUTSIDE },
      receivedVia: 'link',
      late: true,
      decision: null,
      comments: [{ sectionRef: '5.1 a', text: OUTSIDE_COMMENT }],
      documentNumber: `${ks}-5`,
      replyDocumentNumber: null,
    });

    const answer = await post(
      `/api/rounds/${roundId}/responses`,
      {
        organisationId: org[SFN],
        position: 'approve_with_comments',
        summary: SFN_SUMMARY,
        comments: [{ sectionRef: '4.3 a', text: SFN_COMMENT }],
        decision: { organ: SFN, paragraph: '87', date: sfnDecisionDay },
      },
      sfnRespondent,
    );
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      organisation: { id: org[SFN], name: SFN },
      position: 'approve_with_comments',
      summary: SFN_SUMMARY,
      comments: [{ sectionRef: '4.3 a', text: SFN_COMMENT }],
      receivedVia: 'account',
      submittedBy: sfnRespondent.id,
      late: false,
      documentNumber: `${ks}-6`,
      replyDocumentNumber: `${sfnCase}-4`,
    });
    expect(answer.body.decision).toEqual({
      organ: SFN,
      date: sfnDecisionDay,
      paragraph: '87',
      caseNumber: sfnCase,
    });

    const receipts = await settled(/^Kvittens: /, 4);
    expect(
      receipts
        .slice(2)
        .map((mail) => [mail.to, mail.subject])
        .sort(),
    ).toEqual(
      [
        [EMAIL[OUTSIDE], `Kvittens: remissvar registrerat ${ks}-5 – ${ROUND_TITLE} (${ks})`],
        [EMAIL[SFN], `Kvittens: remissvar registrerat ${ks}-6 – ${ROUND_TITLE} (${ks})`],
      ].sort(),
    );

    const senderSide = await documentsOf(caseId);
    expect(thread(senderSide.slice(4))).toEqual([
      [`${ks}-5`, 'incoming', `Remissvar från ${OUTSIDE}`, OUTSIDE],
      [`${ks}-6`, 'incoming', `Remissvar från ${SFN} (${sfnCase})`, SFN],
    ]);
    const sfnSide = await documentsOf(sfnCaseId);
    expect(thread(sfnSide)).toEqual([
      [`${sfnCase}-1`, 'incoming', `Missiv: ${TITLE} (${ks})`, KS],
      [`${sfnCase}-2`, 'incoming', DRAFT_TITLE, KS],
      [
        `${sfnCase}-3`,
        'incoming',
        `Protokollsutdrag ${UTSKOTT} ${meetingDay} § 19: ${PARAGRAPH_19.title}`,
        KS,
      ],
      [`${sfnCase}-4`, 'outgoing', `Remissvar till ${KS} (${ks})`, KS],
    ]);
    expect(sfnSide[3]).toMatchObject({ date: dayAfter, sha256: senderSide[5].sha256 });

    const consultee = await get(`/api/cases/${sfnCaseId}`);
    expect(consultee.body.relatedCases).toEqual([
      { relation: 'remiss_received_from', caseId, caseNumber: ks, organisation: KS, roundId },
    ]);
    const recipients = await roundRecipients();
    expect(
      recipients.map((r) => [r.organisation.name, r.status, r.late, r.overdue, r.deadline]),
    ).toEqual([
      [BUN, 'answered', false, false, deadline],
      [OUTSIDE, 'answered', true, false, deadline],
      [KALMARHEM, 'declined', false, false, deadline],
      [SILENT, 'sent', false, true, deadline],
      [SFN, 'answered', false, false, extendedTo],
    ]);
  });

  it('10. writes Servicenämnden’s memo with its answer, no longer a draft', async () => {
    const memo = await download(`/api/inbox/${recipient[SFN].id}/memo.docx`, sfnRespondent);
    expect(memo.status).toBe(200);
    const text = await docxText(memo.body as Buffer);
    expectInOrder(text, [
      'TJÄNSTESKRIVELSE',
      'Datum',
      dayAfter,
      'Ärendebeteckning',
      sfnCase,
      'Remissvar gällande strategi för etnisk och kulturell inkludering 2022–2025',
      'Förslag till beslut',
      'Bakgrund',
      `Svaret ska lämnas till kommunstyrelsen senast ${extendedTo}. ${SFN} har fått anstånd; den ursprungliga svarstiden gick ut ${deadline}.`,
      'Yttrande',
      SFN_SUMMARY,
      `Punkt 4.3 a, Attraktiva mötesplatser i bostadsområden: ${SFN_COMMENT}`,
      'Bilagor',
      `Bilaga 1, ${DRAFT_TITLE}.`,
    ]);
    expect(text).not.toContain('UTKAST');
    expect(text).not.toContain('[Skriv förvaltningens yttrande här.]');
  });

  it('11. compiles the answers in Word and registers the compilation as an internal document', async () => {
    const compilation = await download(`/api/rounds/${roundId}/compilation.docx`, reader);
    expect(compilation.status).toBe(200);
    const text = await docxText(compilation.body as Buffer);
    expectInOrder(text, [
      'Remissammanställning',
      ROUND_TITLE,
      ks,
      deadline,
      dayAfter,
      '5 remissinstanser: 3 har svarat, 1 avstår och 1 har inte svarat.',
      // The table, by name: position, day, late, the deciding body's reference.
      BUN,
      'Tillstyrker',
      today,
      'Nej',
      `${BUN}, dnr ${bunCase}`,
      OUTSIDE,
      'Tillstyrker med synpunkter',
      dayAfter,
      'Ja',
      KALMARHEM,
      'Avstår från att svara',
      today,
      'Nej',
      SFN,
      'Tillstyrker med synpunkter',
      dayAfter,
      'Nej',
      `${SFN} ${sfnDecisionDay} § 87, dnr ${sfnCase}`,
      'Synpunkter per avsnitt',
      '4.3 a Attraktiva mötesplatser i bostadsområden',
      SFN,
      `”${SFN_COMMENT}”`,
      '5.1 a Sociala nätverk och civilsamhället',
      OUTSIDE,
      `”${OUTSIDE_COMMENT}”`,
      'Sammanfattningar',
      'Har inte svarat',
      `${SILENT} (svar senast ${deadline})`,
      'Avstår från att svara',
      KALMARHEM,
    ]);

    const registered = await post(`/api/rounds/${roundId}/compilation`, {});
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({
      caseId,
      documentNumber: `${ks}-7`,
      direction: 'internal',
      title: `Remissammanställning: ${ROUND_TITLE}`,
      date: dayAfter,
      mimeType: DOCX,
    });
  });

  it('12. closes the round, records the final decision in § 20 and keeps the whole thread in the case', async () => {
    const closed = await post(`/api/rounds/${roundId}/close`, {
      reason: 'Remisstiden är slut och svaren är sammanställda.',
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      status: 'closed',
      closedReason: 'Remisstiden är slut och svaren är sammanställda.',
    });
    expect((await t.http().get(`/api/respond/${token[SILENT]}`)).status).toBe(404);
    const tooLate = await post(
      `/api/rounds/${roundId}/responses`,
      { organisationId: org[BUN], position: 'reject', summary: 'Ändrat oss.' },
      bunRespondent,
    );
    expect(tooLate.status).toBe(409);
    expect(tooLate.body.code).toBe('round_not_open');

    // The utskott's next meeting, on the day the clock now shows.
    const meeting = await post(
      '/api/meetings',
      {
        organisationId: org[UTSKOTT],
        date: dayAfter,
        chair: 'Dzenita Abaza',
        secretary: 'Oliver Wykman',
        adjusters: ['Anna Bergström'],
      },
      clerk,
    );
    expect(meeting.status).toBe(201);
    const item = await post(
      `/api/meetings/${meeting.body.id}/items`,
      { ...PARAGRAPH_20, caseId },
      clerk,
    );
    expect(item.status).toBe(201);
    // § 20 follows § 19 within the year; a new year starts again at § 1.
    const paragraph = Number(dayAfter.slice(0, 4)) === meetingYear ? 20 : 1;
    expect(item.body.paragraph).toBe(paragraph);
    const adjusted = await post(`/api/meetings/${meeting.body.id}/adjust`, {}, clerk);
    expect(adjusted.status).toBe(200);
    expect(adjusted.body).toMatchObject({ status: 'adjusted', adjustedOn: dayAfter });
    const extract = await download(
      `/api/meetings/${meeting.body.id}/items/${item.body.id}/extract.docx`,
      reader,
    );
    expect(extract.status).toBe(200);
    const text = await pageText(extract.body as Buffer);
    expectInOrder(text, [
      UTSKOTT,
      'UTDRAG',
      dayAfter,
      `§ ${paragraph}`,
      PARAGRAPH_20.title,
      ks,
      PARAGRAPH_20.decision,
    ]);

    const documents = await documentsOf(caseId);
    expect(thread(documents)).toEqual([
      [`${ks}-1`, 'internal', DRAFT_TITLE, null],
      [
        `${ks}-2`,
        'outgoing',
        `Protokollsutdrag ${UTSKOTT} ${meetingDay} § 19: ${PARAGRAPH_19.title}`,
        'Samtliga nämnder och bolag',
      ],
      [`${ks}-3`, 'incoming', `Remissvar från ${BUN} (${bunCase})`, BUN],
      [`${ks}-4`, 'incoming', `Remissvar från ${KALMARHEM}`, KALMARHEM],
      [`${ks}-5`, 'incoming', `Remissvar från ${OUTSIDE}`, OUTSIDE],
      [`${ks}-6`, 'incoming', `Remissvar från ${SFN} (${sfnCase})`, SFN],
      [`${ks}-7`, 'internal', `Remissammanställning: ${ROUND_TITLE}`, null],
      [
        `${ks}-8`,
        'outgoing',
        `Protokollsutdrag ${UTSKOTT} ${dayAfter} § ${paragraph}: ${PARAGRAPH_20.title}`,
        null,
      ],
    ]);
    expect(documents.map((d) => d.date)).toEqual([
      today,
      adjustedOn,
      today,
      today,
      dayAfter,
      dayAfter,
      dayAfter,
      dayAfter,
    ]);
    expect(sha256(extract.body as Buffer)).toBe(documents[7].sha256);
    // The link between the cases outlives the round.
    expect((await get(`/api/cases/${caseId}`)).body.relatedCases).toHaveLength(2);
  });
  it('13. closes the cases and delivers them to the archive as one E-ARK package, valid CITS ERMS', async () => {
    for (const id of [caseId, sfnCaseId, bunCaseId]) {
      const closed = await post(`/api/cases/${id}/close`, {
        reason: 'Beslut fattat; ärendet arkiveras.',
      });
      expect(closed.status).toBe(200);
    }
    const asked = await post('/api/archive/exports', { caseIds: [caseId, sfnCaseId, bunCaseId] });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ status: 'queued', caseCount: 3, confidential: false });
    const done = (
      await waitFor(
        () => get(`/api/archive/exports/${asked.body.id}`),
        (response) => ['ready', 'failed'].includes(response.body.status),
        60_000,
      )
    ).body;
    expect(done.error).toBeNull();
    expect(done.status).toBe('ready');
    const fetched = await download(`/api/archive/exports/${done.id}/package`);
    expect(fetched.status).toBe(200);
    const bytes = fetched.body as Buffer;
    expect(sha256(bytes)).toBe(done.sha256);
    const files = await unzip(bytes);
    const root = done.packageId as string;
    expect([...files.keys()].every((name) => name.startsWith(`${root}/`))).toBe(true);

    // erms.xml is valid against the published schema, by a second validator as well.
    const erms = xmlFile(files.get(`${root}/metadata/descriptive/erms.xml`) as Buffer, 'erms.xml');
    const mets = xmlFile(files.get(`${root}/METS.xml`) as Buffer, 'METS.xml');
    if (!xmllintMissing) {
      expect(xmllintSchemaErrors(erms)).toBeNull();
      expect(xmllintWellFormed(mets)).toBe(true);
      expect(xpath(erms, `//${el('aggregation')}/${el('objectId')}/text()`)).toEqual([
        bunCase,
        ks,
        sfnCase,
      ]);
      expect(xpath(erms, `//${el('aggregation')}/@aggregationType`)).toEqual(
        Array(3).fill('aggregationType="caseFile"'),
      );
    }

    // Every document of the three cases is in the package with its SHA-256, and METS says so.
    let count = 0;
    for (const id of [caseId, sfnCaseId, bunCaseId]) {
      for (const document of await documentsOf(id)) {
        const base = document.documentNumber.replace('/', '-').replace(/\s+/g, '_');
        const name = [...files.keys()].find((path) =>
          path.startsWith(`${root}/representations/rep1/data/${base}.`),
        );
        expect({ document: document.documentNumber, name: name !== undefined }).toEqual({
          document: document.documentNumber,
          name: true,
        });
        const content = files.get(name as string) as Buffer;
        expect(sha256(content)).toBe(document.sha256);
        if (!xmllintMissing) {
          const listed = `//${el('file')}[@LABEL="${document.documentNumber}"]`;
          expect(xpath(mets, `${listed}/@CHECKSUM`)).toEqual([`CHECKSUM="${document.sha256}"`]);
          expect(xpath(mets, `${listed}/@SIZE`)).toEqual([`SIZE="${content.length}"`]);
          expect(xpath(mets, `${listed}/@MIMETYPE`)).toEqual([`MIMETYPE="${document.mimeType}"`]);
          expect(xpath(mets, `${listed}/${el('FLocat')}/@*[local-name()="href"]`)).toEqual([
            `xlink:href="${(name as string).slice(root.length + 1)}"`,
          ]);
        }
        count += 1;
      }
    }
    expect(done.documentCount).toBe(count);

    if (!xmllintMissing) {
      // Servicenämnden's answer is one record in each case, and each names the other.
      const record = (caseNumber: string, number: string) =>
        `//${el('aggregation')}[${el('objectId')}="${caseNumber}"]//${el('record')}[${el('objectId')}="${number}"]`;
      expect(
        xpath(
          erms,
          `${record(ks, `${ks}-6`)}/${el('relation')}[@relationType="referenced_by"]/text()`,
        ),
      ).toEqual([`${sfnCase}-4`]);
      expect(
        xpath(
          erms,
          `${record(sfnCase, `${sfnCase}-4`)}/${el('relation')}[@relationType="reference"]/text()`,
        ),
      ).toEqual([`${ks}-6`]);
      expect(
        xpath(
          erms,
          `${record(bunCase, `${bunCase}-4`)}/${el('relation')}[@relationType="reference"]/text()`,
        ),
      ).toEqual([`${ks}-3`]);
      // The § 19 extract is a record of the sender's case, and the paragraph names it.
      expect(xpath(erms, `${record(ks, `${ks}-2`)}/${el('title')}/text()`)).toEqual([
        `Protokollsutdrag ${UTSKOTT} ${meetingDay} § 19: ${PARAGRAPH_19.title}`,
      ]);
      const own = (name: string) => `${el('ownElement')}[@name="${name}"]`;
      expect(
        xpath(
          erms,
          `//${el('aggregation')}[${el('objectId')}="${ks}"]//${own('protokollsparagraf')}[${own('paragraf')}/${el('value')}="19"]/${own('protokollsutdrag')}/${el('value')}/text()`,
        ),
      ).toEqual([`${ks}-2`]);
    }
    if (!xmllintMissing) {
      // The audit trail is the case's history, naming documents by their numbers.
      const history = xpath(
        erms,
        `//${el('aggregation')}[${el('objectId')}="${ks}"]/${el('archivalHistory')}/${el('historyLine')}/text()`,
      );
      expect(history[0]).toMatch(
        new RegExp(`: case\\.created \\(ärende ${ks.replace('/', '\\/')}\\)$`),
      );
      expect(history.some((line) => line.endsWith(`document.registered (handling ${ks}-2)`))).toBe(
        true,
      );
      expect(history.at(-1)).toMatch(
        new RegExp(`: case\\.closed \\(ärende ${ks.replace('/', '\\/')}\\)$`),
      );
    }
    const readme = (files.get(`${root}/README.txt`) as Buffer).toString('utf8');
    expect(readme).toContain('Arkivbildare (producent): Kalmar kommun');
    expect(readme).toContain(`Omfattning: 3 avslutade ärenden med ${count} handlingar`);
  });
});
