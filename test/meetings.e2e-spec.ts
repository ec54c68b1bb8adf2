import { createHash } from 'node:crypto';
import { noticeDates } from '../src/meetings/appeal-period.js';
import { binary, pageText, readPart } from './helpers/docx-text.js';
import { createOrganisation, createUser, type TestUser } from './helpers/factories.js';
import { caseWithDraft, stockholmDay, type RoundFixture } from './helpers/round-fixtures.js';
import { SmtpSink, waitFor } from './helpers/smtp-sink.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const PARAGRAPH_19 = {
  title: 'Strategi för etnisk och kulturell inkludering – beslut om remiss',
  documents: 'Kommunledningskontorets skrivelse den 12 maj 2021.\nFörslag till strategi.',
  background: 'I juni 2016 antogs Vision 2025 där kommunens övergripande visioner formuleras.',
  proposals: 'Ordföranden yrkar bifall till kommunledningskontorets förslag.',
  decisionProcess: 'Ordföranden ställer proposition och finner att utskottet bifaller förslaget.',
  deliberation: 'Carolina Andersson, kommunledningskontoret, redovisar förslaget.',
  decision: 'Strategin skickas på remiss till samtliga nämnder och bolag inom kommunkoncernen.',
};

describe('meetings, paragraphs and protocol extracts', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let fixture: RoundFixture;
  let admin: string;
  let clerk: TestUser;
  let otherClerk: TestUser;
  let reader: TestUser;
  let utskott: { id: number; name: string };
  let sfn: { id: number; name: string };
  let housing: { id: number; name: string };
  let silent: { id: number; name: string };
  const meetingDay = stockholmDay(-3);
  const year = Number(meetingDay.slice(0, 4));

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, MUNICIPALITY_NAME: 'Kalmar kommun' });
    fixture = await caseWithDraft(t, 0);
    admin = fixture.admin;
    utskott = await createOrganisation(t, admin, {
      name: 'Kommunstyrelsens utskott för integration och arbetsmarknad',
      kind: 'committee',
      parentId: fixture.owner.id,
    });
    sfn = await createOrganisation(t, admin, {
      name: 'Servicenämnden',
      kind: 'committee',
      seriesCode: 'SFN',
      email: 'servicenamnden@kalmar.test',
    });
    housing = await createOrganisation(t, admin, {
      name: 'Kalmarhem AB',
      kind: 'company',
      email: 'kalmarhem@kalmar.test',
    });
    silent = await createOrganisation(t, admin, {
      name: 'Föreningen utan adress',
      kind: 'external',
    });
    // A clerk of Kommunstyrelsen keeps the minutes of its utskott too.
    clerk = await createUser(t, admin, ['clerk'], [fixture.owner.id]);
    otherClerk = await createUser(t, admin, ['clerk'], [sfn.id]);
    reader = await createUser(t, admin, ['reader']);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const as = (user: TestUser | string) => (typeof user === 'string' ? user : user.auth);
  const createMeeting = async (
    body: Record<string, unknown> = {},
    user: TestUser | string = clerk,
  ) => {
    const response = await t
      .http()
      .post('/api/meetings')
      .set('Authorization', as(user))
      .send({
        organisationId: utskott.id,
        date: meetingDay,
        startsAt: '08:30',
        place: 'Stadshuset, sal A',
        chair: 'Dzenita Abaza',
        secretary: 'Oliver Wykman',
        adjusters: ['Lars Nilsson'],
        present: ['Dzenita Abaza', 'Lars Nilsson', 'Anna Bergström'],
        ...body,
      });
    expect(response.status).toBe(201);
    return response.body as { id: number; status: string; version: number };
  };
  const addItem = (
    meetingId: number,
    body: Record<string, unknown>,
    user: TestUser | string = clerk,
  ) => t.http().post(`/api/meetings/${meetingId}/items`).set('Authorization', as(user)).send(body);
  const download = (path: string, user: TestUser | string = clerk) =>
    t.http().get(path).set('Authorization', as(user)).buffer(true).parse(binary);
  const caseDocuments = async () => {
    const response = await t
      .http()
      .get(`/api/cases/${fixture.caseId}/documents`)
      .set('Authorization', fixture.registrar.auth);
    expect(response.status).toBe(200);
    return response.body.items as {
      documentNumber: string;
      title: string;
      direction: string;
      counterpart: string;
    }[];
  };
  const count = async (table: string) =>
    Number((await t.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  let firstNumber = 0;

  it('gives three paragraphs of one meeting consecutive numbers of the meeting year', async () => {
    const meeting = await createMeeting();
    const numbers: number[] = [];
    for (const title of ['Upprop', 'Val av justerare', 'Anmälan av delegationsbeslut']) {
      const response = await addItem(meeting.id, {
        title,
        decision: 'Utskottet noterar informationen.',
      });
      expect(response.status).toBe(201);
      numbers.push(response.body.paragraph);
    }
    firstNumber = numbers[0];
    expect(numbers).toEqual([1, 2, 3]);
    const [row] = await t.sql<{ last_value: number }>(
      'SELECT last_value FROM paragraph_sequence WHERE organisation_id = ? AND year = ?',
      [utskott.id, year],
    );
    expect(Number(row.last_value)).toBe(3);
  });

  it('gives 20 concurrent additions 20 different numbers, 4 to 23', async () => {
    const meeting = await createMeeting();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        addItem(meeting.id, { title: `Ärende ${index + 1}`, decision: 'Bifall.' }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(201));
    const numbers = responses
      .map((response) => response.body.paragraph as number)
      .sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, index) => firstNumber + 3 + index));
    const detail = await t
      .http()
      .get(`/api/meetings/${meeting.id}`)
      .set('Authorization', reader.auth);
    expect(detail.status).toBe(200);
    expect(detail.body.items.map((item: { paragraph: number }) => item.paragraph)).toEqual(numbers);
  });

  it('refuses bad input with the field named, the wrong role or organisation, and changes nothing', async () => {
    const meeting = await createMeeting();
    const before = await count('meeting_item');
    const meetingsBefore = await count('meeting');
    const cases: [Record<string, unknown>, number, string][] = [
      [{ title: 'X', decision: 'Y', colour: 'blå' }, 400, 'colour'],
      [{ title: '', decision: 'Y' }, 400, 'title'],
      [{ title: 'X' }, 400, 'decision'],
      [{ title: 'X', decision: 'Y', caseId: 999_999 }, 400, 'caseId'],
      [{ title: 'X', decision: 'Y', sendTo: [999_999] }, 400, 'sendTo'],
      [{ title: 'X', decision: 'Y', sendTo: [''] }, 400, 'sendTo'],
      [{ title: 'X', decision: 'Y', background: 42 }, 400, 'background'],
    ];
    for (const [body, status, field] of cases) {
      const response = await addItem(meeting.id, body);
      expect({ field, status: response.status }).toEqual({ field, status });
      expect(JSON.stringify(response.body.details)).toContain(field);
    }
    expect((await addItem(meeting.id, { title: 'X', decision: 'Y' }, reader)).status).toBe(403);
    const foreign = await addItem(meeting.id, { title: 'X', decision: 'Y' }, otherClerk);
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('not_your_organisation');
    expect((await addItem(999_999, { title: 'X', decision: 'Y' })).status).toBe(404);

    const badMeetings: [Record<string, unknown>, string][] = [
      [{ date: '2026-02-30' }, 'date'],
      [{ startsAt: '25:00' }, 'startsAt'],
      [{ adjusters: ['Lars', ''] }, 'adjusters'],
      [{ organisationId: 999_999 }, 'organisationId'],
      [{ room: 'A' }, 'room'],
    ];
    for (const [body, field] of badMeetings) {
      const response = await t
        .http()
        .post('/api/meetings')
        .set('Authorization', clerk.auth)
        .send({ organisationId: utskott.id, date: meetingDay, ...body });
      expect({ field, status: response.status }).toEqual({ field, status: 400 });
      expect(JSON.stringify(response.body.details)).toContain(field);
    }
    const unauthenticated = await t.http().get('/api/meetings');
    expect(unauthenticated.status).toBe(401);
    expect(await count('meeting_item')).toBe(before);
    expect(await count('meeting')).toBe(meetingsBefore);
  });

  it('locks every paragraph of an adjusted meeting (409) and records who adjusted it', async () => {
    const meeting = await createMeeting({ adjusters: [] });
    const item = await addItem(meeting.id, { title: 'Budget', decision: 'Bifall.' });
    const adjust = (body: Record<string, unknown> = {}) =>
      t
        .http()
        .post(`/api/meetings/${meeting.id}/adjust`)
        .set('Authorization', clerk.auth)
        .send(body);

    const incomplete = await adjust();
    expect(incomplete.status).toBe(409);
    expect(incomplete.body.code).toBe('meeting_incomplete');
    expect(incomplete.body.message).toContain('adjusters');
    const patched = await t
      .http()
      .patch(`/api/meetings/${meeting.id}`)
      .set('Authorization', clerk.auth)
      .send({ adjusters: ['Lars Nilsson'] });
    expect(patched.status).toBe(200);
    expect((await adjust({ adjustedOn: stockholmDay(1) })).status).toBe(400);
    const adjusted = await adjust();
    expect(adjusted.status).toBe(200);
    expect(adjusted.body).toMatchObject({ status: 'adjusted', adjustedOn: stockholmDay(0) });

    const change = await t
      .http()
      .patch(`/api/meetings/${meeting.id}/items/${item.body.id}`)
      .set('Authorization', clerk.auth)
      .send({ decision: 'Avslag.' });
    expect(change.status).toBe(409);
    expect(change.body.code).toBe('meeting_adjusted');
    expect((await addItem(meeting.id, { title: 'Sent tillägg', decision: 'Bifall.' })).status).toBe(
      409,
    );
    expect((await adjust()).status).toBe(409);
    const [stored] = await t.sql<{ decision: string; adjusted_on: string }>(
      'SELECT decision, adjusted_on FROM meeting_item WHERE id = ?',
      [item.body.id],
    );
    expect(stored).toEqual({ decision: 'Bifall.', adjusted_on: stockholmDay(0) });
    const audit = await t
      .http()
      .get(`/api/audit?entity=meeting&entityId=${meeting.id}`)
      .set('Authorization', admin);
    expect(audit.body.items.map((event: { action: string }) => event.action).sort()).toEqual([
      'meeting.adjusted',
      'meeting.created',
      'meeting.updated',
    ]);
  });

  it('adjusts one paragraph at once and keeps the others open', async () => {
    const meeting = await createMeeting();
    const urgent = await addItem(meeting.id, { title: 'Brådskande', decision: 'Bifall.' });
    const other = await addItem(meeting.id, { title: 'Övrigt', decision: 'Bifall.' });
    const adjusted = await t
      .http()
      .post(`/api/meetings/${meeting.id}/items/${urgent.body.id}/adjust`)
      .set('Authorization', clerk.auth)
      .send({});
    expect(adjusted.status).toBe(200);
    expect(adjusted.body).toMatchObject({ adjusted: true, adjustedImmediately: true });
    const patchUrgent = await t
      .http()
      .patch(`/api/meetings/${meeting.id}/items/${urgent.body.id}`)
      .set('Authorization', clerk.auth)
      .send({ title: 'Ändrad' });
    expect(patchUrgent.status).toBe(409);
    expect(patchUrgent.body.code).toBe('item_adjusted');
    const patchOther = await t
      .http()
      .patch(`/api/meetings/${meeting.id}/items/${other.body.id}`)
      .set('Authorization', clerk.auth)
      .send({ title: 'Övriga frågor' });
    expect(patchOther.status).toBe(200);
    expect(patchOther.body).toMatchObject({ title: 'Övriga frågor', version: 2, adjusted: false });
  });

  it('reorders paragraphs by handing the same numbers out in the new order', async () => {
    const meeting = await createMeeting();
    const ids: number[] = [];
    const numbers: number[] = [];
    for (const title of ['A', 'B', 'C']) {
      const response = await addItem(meeting.id, { title, decision: 'Bifall.' });
      ids.push(response.body.id);
      numbers.push(response.body.paragraph);
    }
    const reordered = await t
      .http()
      .put(`/api/meetings/${meeting.id}/items/order`)
      .set('Authorization', clerk.auth)
      .send({ itemIds: [ids[2], ids[0], ids[1]] });
    expect(reordered.status).toBe(200);
    expect(
      reordered.body.map((item: { title: string; paragraph: number }) => [
        item.title,
        item.paragraph,
      ]),
    ).toEqual([
      ['C', numbers[0]],
      ['A', numbers[1]],
      ['B', numbers[2]],
    ]);
    const incomplete = await t
      .http()
      .put(`/api/meetings/${meeting.id}/items/order`)
      .set('Authorization', clerk.auth)
      .send({ itemIds: [ids[0], ids[1]] });
    expect(incomplete.status).toBe(400);
    expect(JSON.stringify(incomplete.body.details)).toContain('itemIds');
  });

  describe('the § 19 extract', () => {
    let meetingId: number;
    let itemId: number;
    let paragraph: number;

    beforeAll(async () => {
      const meeting = await createMeeting();
      meetingId = meeting.id;
      const item = await addItem(meetingId, {
        ...PARAGRAPH_19,
        caseId: fixture.caseId,
        sendTo: [sfn.id, housing.id, 'Kommunledningskontoret'],
      });
      expect(item.status).toBe(201);
      itemId = item.body.id;
      paragraph = item.body.paragraph;
      expect(item.body.sendTo).toEqual([
        { organisationId: sfn.id, name: 'Servicenämnden' },
        { organisationId: housing.id, name: 'Kalmarhem AB' },
        { organisationId: null, name: 'Kommunledningskontoret' },
      ]);
    });

    it('is a draft marked UTKAST before adjustment, and not registered', async () => {
      const documentsBefore = (await caseDocuments()).length;
      const response = await download(`/api/meetings/${meetingId}/items/${itemId}/extract.docx`);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe(
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      );
      const text = await pageText(response.body as Buffer);
      expect(text).toContain('UTKAST');
      expect(text).not.toContain('UTDRAG');
      expect((await caseDocuments()).length).toBe(documentsBefore);
    });

    it('refuses dispatch before adjustment', async () => {
      const response = await t
        .http()
        .post(`/api/meetings/${meetingId}/items/${itemId}/dispatch`)
        .set('Authorization', clerk.auth)
        .send({ organisationIds: [sfn.id] });
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('not_adjusted');
    });

    it('after adjustment holds every part of the layout and is registered once in the case', async () => {
      const adjusted = await t
        .http()
        .post(`/api/meetings/${meetingId}/adjust`)
        .set('Authorization', clerk.auth)
        .send({ adjustedOn: stockholmDay(-1) });
      expect(adjusted.status).toBe(200);
      const documentsBefore = (await caseDocuments()).length;
      const first = await download(
        `/api/meetings/${meetingId}/items/${itemId}/extract.docx`,
        reader,
      );
      const second = await download(`/api/meetings/${meetingId}/items/${itemId}/extract.docx`);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(sha256(first.body as Buffer)).toBe(sha256(second.body as Buffer));
      const bytes = first.body as Buffer;
      const text = await pageText(bytes);
      const expectedInOrder = [
        utskott.name,
        'UTDRAG',
        'Sammanträdesdatum',
        meetingDay,
        `§ ${paragraph}`,
        PARAGRAPH_19.title,
        'Dnr',
        fixture.caseNumber,
        'Handlingar',
        'Kommunledningskontorets skrivelse den 12 maj 2021.',
        'Bakgrund',
        PARAGRAPH_19.background,
        'Yrkanden',
        PARAGRAPH_19.proposals,
        'Beslutsgång',
        PARAGRAPH_19.decisionProcess,
        'Överläggning',
        PARAGRAPH_19.deliberation,
        'Beslut',
        PARAGRAPH_19.decision,
        'Expedieras till',
        'Servicenämnden',
        'Kalmarhem AB',
        'Kommunledningskontoret',
        'Sekreterare',
        'Oliver Wykman',
        'Justeras',
        'Dzenita Abaza',
        'Lars Nilsson',
        'Utdragsbestyrkande',
      ];
      let at = 0;
      for (const part of expectedInOrder) {
        const found = text.indexOf(part, at);
        expect({ part, found: found >= 0 }).toEqual({ part, found: true });
        at = found + part.length;
      }
      expect(text).not.toContain('UTKAST');
      expect(text).not.toContain('Reservationer');
      const headers = await Promise.all(
        ['word/header1.xml', 'word/header2.xml', 'word/header3.xml'].map((name) =>
          readPart(bytes, name).catch(() => ''),
        ),
      );
      expect(headers.join('')).toContain('Kalmar kommun');
      const footers = await Promise.all(
        ['word/footer1.xml', 'word/footer2.xml', 'word/footer3.xml'].map((name) =>
          readPart(bytes, name).catch(() => ''),
        ),
      );
      expect(footers.join('')).toMatch(/NUMPAGES/);

      const documents = await caseDocuments();
      expect(documents.length).toBe(documentsBefore + 1);
      const extract = documents.at(-1)!;
      expect(extract).toMatchObject({
        direction: 'outgoing',
        title: `Protokollsutdrag ${utskott.name} ${meetingDay} § ${paragraph}: ${PARAGRAPH_19.title}`,
        counterpart: 'Servicenämnden, Kalmarhem AB, Kommunledningskontoret',
      });
      const [stored] = await t.sql<{ sha256: string }>(
        'SELECT d.sha256 FROM meeting_item i JOIN document d ON d.id = i.extract_document_id WHERE i.id = ?',
        [itemId],
      );
      expect(stored.sha256).toBe(sha256(bytes));
    });

    it('registers the extract once when twelve ask for it at the same time', async () => {
      const meeting = await createMeeting();
      const item = await addItem(meeting.id, { ...PARAGRAPH_19, caseId: fixture.caseId });
      await t
        .http()
        .post(`/api/meetings/${meeting.id}/items/${item.body.id}/adjust`)
        .set('Authorization', clerk.auth)
        .send({});
      const before = (await caseDocuments()).length;
      const responses = await Promise.all(
        Array.from({ length: 12 }, () =>
          download(`/api/meetings/${meeting.id}/items/${item.body.id}/extract.docx`),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(12).fill(200));
      expect(new Set(responses.map((response) => sha256(response.body as Buffer))).size).toBe(1);
      expect((await caseDocuments()).length).toBe(before + 1);
    });

    it('dispatches the extract by mail once per organisation, registered as outgoing to each', async () => {
      const path = `/api/meetings/${meetingId}/items/${itemId}/dispatch`;
      const noAddress = await t
        .http()
        .post(path)
        .set('Authorization', clerk.auth)
        .send({ organisationIds: [sfn.id, silent.id] });
      expect(noAddress.status).toBe(400);
      expect(noAddress.body.message).toContain('Föreningen utan adress has no e-mail address');
      expect(
        (
          await t
            .http()
            .post(path)
            .set('Authorization', reader.auth)
            .send({ organisationIds: [sfn.id] })
        ).status,
      ).toBe(403);
      const mailsBefore = sink.mails.length;
      const documentsBefore = (await caseDocuments()).length;
      const dispatched = await t
        .http()
        .post(path)
        .set('Authorization', clerk.auth)
        .send({ organisationIds: [sfn.id, housing.id] });
      expect(dispatched.status).toBe(200);
      expect(
        dispatched.body.items.map((entry: { organisationName: string; queued: boolean }) => [
          entry.organisationName,
          entry.queued,
        ]),
      ).toEqual([
        ['Servicenämnden', true],
        ['Kalmarhem AB', true],
      ]);
      const mails = await waitFor(
        () => sink.mails.slice(mailsBefore),
        (received) => received.length >= 2,
      );
      expect(mails.map((mail) => mail.to).sort()).toEqual([
        'kalmarhem@kalmar.test',
        'servicenamnden@kalmar.test',
      ]);
      for (const mail of mails) {
        expect(mail.subject).toBe(
          `Protokollsutdrag ${utskott.name} ${meetingDay} § ${paragraph} – ${PARAGRAPH_19.title} (${fixture.caseNumber})`,
        );
        expect(mail.attachments).toHaveLength(1);
        expect(mail.attachments[0].filename).toMatch(/\.docx$/);
        const text = await pageText(mail.attachments[0].content);
        expect(text).toContain('UTDRAG');
        expect(text).toContain(`§ ${paragraph}`);
      }
      const documents = await caseDocuments();
      expect(documents.length).toBe(documentsBefore + 2);
      expect(
        documents.slice(-2).map((document) => [document.direction, document.counterpart]),
      ).toEqual([
        ['outgoing', 'Servicenämnden'],
        ['outgoing', 'Kalmarhem AB'],
      ]);

      const again = await t
        .http()
        .post(path)
        .set('Authorization', clerk.auth)
        .send({ organisationIds: [housing.id] });
      expect(again.status).toBe(200);
      expect(again.body.items[0]).toMatchObject({
        organisationName: 'Kalmarhem AB',
        queued: false,
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(sink.mails.length).toBe(mailsBefore + 2);
      expect((await caseDocuments()).length).toBe(documentsBefore + 2);
    });

    it('posts the notice and derives the last day of appeal and when the notice comes down', async () => {
      const early = await t
        .http()
        .post(`/api/meetings/${meetingId}/notice`)
        .set('Authorization', clerk.auth)
        .send({ postedOn: stockholmDay(-2) });
      expect(early.status).toBe(400);
      expect(JSON.stringify(early.body.details)).toContain('postedOn');
      const posted = await t
        .http()
        .post(`/api/meetings/${meetingId}/notice`)
        .set('Authorization', clerk.auth)
        .send({ postedOn: stockholmDay(0) });
      expect(posted.status).toBe(200);
      const expected = noticeDates(stockholmDay(0));
      expect(posted.body).toMatchObject({
        noticePostedOn: stockholmDay(0),
        lastAppealDay: expected.lastAppealDay,
        noticeRemovedOn: expected.removedOn,
      });
      const twice = await t
        .http()
        .post(`/api/meetings/${meetingId}/notice`)
        .set('Authorization', clerk.auth)
        .send({ postedOn: stockholmDay(0) });
      expect(twice.status).toBe(409);
    });

    it('builds the whole protocol: front page, notice box, every paragraph in order', async () => {
      const response = await download(`/api/meetings/${meetingId}/protocol.docx`, reader);
      expect(response.status).toBe(200);
      const text = await pageText(response.body as Buffer);
      const expected = noticeDates(stockholmDay(0));
      for (const part of [
        'SAMMANTRÄDESPROTOKOLL',
        'Plats och tid',
        'Stadshuset, sal A',
        'Beslutande',
        'Anna Bergström',
        'Utses att justera',
        'Lars Nilsson',
        'Protokollet är justerat. Justeringen har tillkännagivits genom anslag.',
        'Datum då anslaget sätts upp',
        stockholmDay(0),
        'Datum då anslaget tas ned',
        expected.removedOn,
        'Sista dag för överklagande',
        expected.lastAppealDay,
        `§ ${paragraph}`,
        PARAGRAPH_19.title,
        PARAGRAPH_19.decision,
      ]) {
        expect({ part, found: text.includes(part) }).toEqual({ part, found: true });
      }
    });

    it('sends a round with the extract of the § that decided it', async () => {
      const create = (decisionItemId: number) =>
        t
          .http()
          .post(`/api/cases/${fixture.caseId}/rounds`)
          .set('Authorization', fixture.registrar.auth)
          .send({
            title: 'Remiss: strategi för etnisk och kulturell inkludering',
            deadline: stockholmDay(40),
            documentIds: [fixture.draftId],
            recipientOrganisationIds: [sfn.id],
            decisionItemId,
          });
      const foreignCase = await t
        .http()
        .post('/api/cases')
        .set('Authorization', fixture.registrar.auth)
        .send({ title: 'Annat ärende', organisationId: fixture.owner.id });
      const otherMeeting = await createMeeting();
      const otherItem = await addItem(otherMeeting.id, {
        title: 'Annat',
        decision: 'Bifall.',
        caseId: foreignCase.body.id,
      });
      const wrong = await create(otherItem.body.id);
      expect(wrong.status).toBe(400);
      expect(JSON.stringify(wrong.body.details)).toContain('decisionItemId');

      const created = await create(itemId);
      expect(created.status).toBe(201);
      expect(created.body.decisionItemId).toBe(itemId);
      const mailsBefore = sink.mails.length;
      const sent = await t
        .http()
        .post(`/api/rounds/${created.body.id}/send`)
        .set('Authorization', fixture.registrar.auth);
      expect(sent.status).toBe(200);
      const [extract] = await t.sql<{ document_number: string }>(
        'SELECT d.document_number FROM meeting_item i JOIN document d ON d.id = i.extract_document_id WHERE i.id = ?',
        [itemId],
      );
      expect(
        sent.body.round.documents.map(
          (document: { documentNumber: string }) => document.documentNumber,
        ),
      ).toEqual([`${fixture.caseNumber}-1`, extract.document_number]);
      const [invitation] = await waitFor(
        () => sink.mails.slice(mailsBefore),
        (received) => received.length >= 1,
      );
      expect(invitation.to).toBe('servicenamnden@kalmar.test');
      expect(invitation.text).toContain(extract.document_number);
      expect(invitation.attachments.map((attachment) => attachment.filename)).toEqual([
        'Förslag till strategi.pdf',
        expect.stringMatching(new RegExp(`^Protokollsutdrag .* § ${paragraph}\\.docx$`)),
      ]);

      const unadjusted = await addItem(otherMeeting.id, {
        title: 'Ej justerad',
        decision: 'Bifall.',
        caseId: fixture.caseId,
      });
      const early = await create(unadjusted.body.id);
      expect(early.status).toBe(201);
      const refused = await t
        .http()
        .post(`/api/rounds/${early.body.id}/send`)
        .set('Authorization', fixture.registrar.auth);
      expect(refused.status).toBe(409);
      expect(refused.body.message).toContain('is not adjusted');
    });
  });

  describe('the paragraph sequence', () => {
    it('continues a year where the earlier system stopped, never below a used number', async () => {
      const set = (body: Record<string, unknown>, auth = admin) =>
        t
          .http()
          .put(`/api/organisations/${sfn.id}/paragraph-sequence`)
          .set('Authorization', auth)
          .send(body);
      expect((await set({ year, next: 120 }, clerk.auth)).status).toBe(403);
      expect((await set({ next: 120 })).status).toBe(400);
      const done = await set({ year, next: 120 });
      expect(done.status).toBe(200);
      expect(done.body).toEqual({ organisationId: sfn.id, year, next: 120 });
      const meeting = await createMeeting({ organisationId: sfn.id }, otherClerk);
      const item = await addItem(
        meeting.id,
        { title: 'Första i nya systemet', decision: 'Bifall.' },
        otherClerk,
      );
      expect(item.body.paragraph).toBe(120);
      const below = await set({ year, next: 100 });
      expect(below.status).toBe(409);
      expect(below.body.code).toBe('paragraph_in_use');
      const next = await addItem(meeting.id, { title: 'Andra', decision: 'Bifall.' }, otherClerk);
      expect(next.body.paragraph).toBe(121);
    });

    it('never resets for an organisation that numbers continuously', async () => {
      const board = await createOrganisation(t, admin, {
        name: 'Kalmar Vatten AB',
        kind: 'company',
        paragraphNumbering: 'continuous',
      });
      expect(
        (
          await t
            .http()
            .put(`/api/organisations/${board.id}/paragraph-sequence`)
            .set('Authorization', admin)
            .send({ year, next: 5 })
        ).status,
      ).toBe(400);
      const set = await t
        .http()
        .put(`/api/organisations/${board.id}/paragraph-sequence`)
        .set('Authorization', admin)
        .send({ next: 57 });
      expect(set.body).toEqual({ organisationId: board.id, year: null, next: 57 });
      const lastYear = await createMeeting(
        { organisationId: board.id, date: `${year - 1}-12-10` },
        admin,
      );
      const thisYear = await createMeeting({ organisationId: board.id }, admin);
      const first = await addItem(lastYear.id, { title: 'I december', decision: 'Bifall.' }, admin);
      const second = await addItem(thisYear.id, { title: 'I år', decision: 'Bifall.' }, admin);
      expect([first.body.paragraph, second.body.paragraph]).toEqual([57, 58]);
    });
  });
});
