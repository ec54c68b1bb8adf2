import type { AppConfig } from '../src/config/env.schema.js';
import { instantAt } from '../src/common/clock.js';
import { addDays, workingDayOnOrAfter } from '../src/common/working-days.js';
import { binary, pageText } from './helpers/docx-text.js';
import type { TestUser } from './helpers/factories.js';
import {
  buildSecretCase,
  SECRET_PATTERN,
  SECRETS,
  type SecretCase,
} from './helpers/secret-case.js';
import { SmtpSink, waitFor } from './helpers/smtp-sink.js';
import { startTestApp, TestApp } from './helpers/test-app.js';
import { stockholmDay, testNow } from './helpers/test-clock.js';

const ZONE = 'Europe/Stockholm';

/** The routes that leaked a confidential case's contents, each redacted by the one rule now. */
describe('secrecy of a confidential case', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let config: AppConfig;
  let s: SecretCase;

  const get = (user: TestUser | string, path: string) =>
    t
      .http()
      .get(path)
      .set('Authorization', typeof user === 'string' ? user : user.auth);
  const download = (user: TestUser | string, path: string) =>
    get(user, path).buffer(true).parse(binary);

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, PUBLIC_URL: 'https://remiss.kalmar.test' });
    config = t.config;
    s = await buildSecretCase(t, sink);
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  describe('GET /api/rounds/:id/sections (A8)', () => {
    it('withholds section titles and comments from readers and clerks, as the round does', async () => {
      for (const user of [s.reader, s.otherClerk, s.clerk, s.consulteeClerk]) {
        const sections = await get(user, `/api/rounds/${s.roundId}/sections`);
        expect(sections.status).toBe(200);
        expect(sections.body).toEqual({ items: [], redacted: true });
        const round = await get(user, `/api/rounds/${s.roundId}`);
        expect(round.body).toMatchObject({ title: null, sections: [], redacted: true });
      }
    });

    it('shows registrars and admins every section with every comment', async () => {
      for (const user of [s.registrar.auth, s.admin]) {
        const sections = await get(user, `/api/rounds/${s.roundId}/sections`);
        expect(sections.body).toEqual({
          redacted: false,
          items: [
            {
              ref: '1',
              title: SECRETS.sectionTitle,
              comments: [
                {
                  responseId: s.responseIds[1],
                  organisation: 'Exempel Hamn AB',
                  position: 'reject',
                  text: SECRETS.linkComment,
                },
                {
                  responseId: s.responseIds[0],
                  organisation: 'Servicenämnden',
                  position: 'approve_with_comments',
                  text: SECRETS.accountComment,
                },
              ],
            },
          ],
        });
      }
    });
  });

  describe('GET /api/audit (A9)', () => {
    const rowsOf = async (user: TestUser | string, query: string) => {
      const response = await get(user, `/api/audit?${query}`);
      expect(response.status).toBe(200);
      return response.body.items as Record<string, unknown>[];
    };

    it('keeps the rows of confidential records for a reader but withholds their before/after', async () => {
      const cases = await rowsOf(s.reader, `entity=case&entityId=${s.caseId}`);
      expect(cases).toEqual([
        {
          id: expect.any(String),
          occurredAt: expect.any(String),
          actorUserId: s.registrar.id,
          actorLabel: s.registrar.email,
          action: 'case.created',
          entity: 'case',
          entityId: String(s.caseId),
          before: null,
          after: null,
          requestId: expect.any(String),
          clientRequestId: null,
          redacted: true,
        },
      ]);
      for (const [entity, id] of [
        ['document', s.documentId],
        ['document', s.markedDocumentId],
        ['referral_round', s.roundId],
        ['meeting_item', s.itemId],
      ] as const) {
        const rows = await rowsOf(s.reader, `entity=${entity}&entityId=${id}`);
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) {
          expect(row).toMatchObject({ entity, entityId: String(id), before: null, after: null });
          expect(row.redacted).toBe(true);
        }
      }
    });

    it('shows a reader the before/after of what is not confidential', async () => {
      const [created] = await rowsOf(
        s.reader,
        `entity=organisation&entityId=${s.organisations.harbour}`,
      );
      expect(created).toMatchObject({
        action: 'organisation.created',
        redacted: false,
        after: expect.objectContaining({ name: 'Exempel Hamn AB' }),
      });
      const [open] = await rowsOf(s.reader, `entity=case&entityId=${s.openCaseId}`);
      expect(open).toMatchObject({
        redacted: false,
        after: expect.objectContaining({ title: 'Översyn av hamnens taxor' }),
      });
    });

    it('shows an admin the full before/after', async () => {
      const [created] = await rowsOf(s.admin, `entity=case&entityId=${s.caseId}`);
      expect(created).toMatchObject({
        redacted: false,
        after: expect.objectContaining({
          title: SECRETS.caseTitle,
          description: SECRETS.caseDescription,
        }),
      });
      const [marked] = await rowsOf(s.admin, `entity=document&entityId=${s.markedDocumentId}`);
      expect(marked.after).toMatchObject({
        title: SECRETS.markedTitle,
        counterpart: SECRETS.markedCounterpart,
      });
    });
  });

  describe('GET /api/meetings/:id and /items/:itemId (A10)', () => {
    const withheld = (paragraph: number) => ({
      id: s.itemId,
      meetingId: s.meetingId,
      paragraph,
      title: null,
      caseId: s.caseId,
      caseNumber: s.caseNumber,
      documents: null,
      background: null,
      proposals: null,
      decisionProcess: null,
      deliberation: null,
      decision: null,
      reservations: null,
      sendTo: [],
      adjusted: true,
      redacted: true,
    });

    it('shows readers and other clerks only the number and case of a paragraph on a confidential case', async () => {
      for (const user of [s.reader, s.otherClerk, s.consulteeClerk]) {
        const item = await get(user, `/api/meetings/${s.meetingId}/items/${s.itemId}`);
        expect(item.status).toBe(200);
        expect(item.body).toMatchObject(withheld(item.body.paragraph));
        const meeting = await get(user, `/api/meetings/${s.meetingId}`);
        expect(meeting.body.items).toEqual([
          expect.objectContaining(withheld(item.body.paragraph)),
          expect.objectContaining({
            title: 'Öppet ärende om hamntaxor',
            decision: 'Bifall.',
            redacted: false,
          }),
        ]);
        // The extract of the same paragraph is refused to them.
        const extract = await get(
          user,
          `/api/meetings/${s.meetingId}/items/${s.itemId}/extract.docx`,
        );
        expect(extract.status).toBe(403);
      }
    });

    it('shows the clerk keeping the minutes, registrars and admins the whole paragraph', async () => {
      for (const user of [s.clerk.auth, s.registrar.auth, s.admin]) {
        const item = await get(user, `/api/meetings/${s.meetingId}/items/${s.itemId}`);
        expect(item.body).toMatchObject({
          title: SECRETS.itemTitle,
          background: SECRETS.itemBackground,
          deliberation: SECRETS.itemDeliberation,
          decision: SECRETS.itemDecision,
          sendTo: [{ organisationId: null, name: SECRETS.itemSendTo }],
          redacted: false,
        });
      }
    });
  });

  describe('GET /api/inbox/:recipientId/memo.docx (A11)', () => {
    const marking = 'SEKRETESS enligt offentlighets- och sekretesslagen (2009:400)';

    it('counts the consultee’s own memo as the remiss opened, not the registrar’s or a refused one', async () => {
      const openedAt = async () =>
        (
          (await get(s.registrar, `/api/rounds/${s.roundId}`).expect(200)).body as {
            recipients: { id: number; openedAt: string | null }[];
          }
        ).recipients.find((recipient) => recipient.id === s.recipients.sfn)!.openedAt;
      expect(await openedAt()).toBeNull();
      expect((await download(s.registrar, `/api/inbox/${s.recipients.sfn}/memo.docx`)).status).toBe(
        200,
      );
      expect((await get(s.consulteeClerk, `/api/inbox/${s.recipients.sfn}/memo.docx`)).status).toBe(
        403,
      );
      expect(await openedAt()).toBeNull();
      const from = testNow().getTime();
      expect((await download(s.consultee, `/api/inbox/${s.recipients.sfn}/memo.docx`)).status).toBe(
        200,
      );
      const first = await openedAt();
      expect(Date.parse(first!)).toBeGreaterThanOrEqual(from);
      expect(Date.parse(first!)).toBeLessThanOrEqual(testNow().getTime());
      await download(s.consultee, `/api/inbox/${s.recipients.sfn}/memo.docx`).expect(200);
      expect(await openedAt()).toEqual(first);
    });

    it('gives the consultee’s respondent the memo marked under secrecy on every page', async () => {
      const memo = await download(s.consultee, `/api/inbox/${s.recipients.sfn}/memo.docx`);
      expect(memo.status).toBe(200);
      const text = await pageText(memo.body as Buffer);
      expect(text.split('\n').slice(0, 2)).toEqual(['Exempel kommun', marking]);
      expect(text).toContain('Remissvar gällande hemlig remiss om Karl Karlsson');
      expect(text).toContain(SECRETS.accountSummary);
    });

    it('marks it for a registrar too', async () => {
      const memo = await download(s.registrar, `/api/inbox/${s.recipients.sfn}/memo.docx`);
      expect(memo.status).toBe(200);
      const text = await pageText(memo.body as Buffer);
      expect(text.split('\n').slice(0, 2)).toEqual(['Exempel kommun', marking]);
    });

    it('refuses the organisation’s clerk, who sees the remiss’s title withheld everywhere', async () => {
      const memo = await get(s.consulteeClerk, `/api/inbox/${s.recipients.sfn}/memo.docx`);
      expect(memo.status).toBe(403);
      expect(memo.body).toMatchObject({
        code: 'confidential',
        message: `The remiss in ${s.caseNumber} is confidential; only the organisation's respondents, registrars and admins may draft its memo`,
      });
      expect(JSON.stringify(memo.body)).not.toMatch(SECRET_PATTERN);
    });
  });

  describe('"exists but not yours" answers as "does not exist" (A7)', () => {
    const missing = 2_000_000;
    /** The body without its request id, with the asked id written as {id}. */
    const shape = (body: Record<string, unknown>, id: number) =>
      JSON.stringify({ ...body, requestId: undefined }).replace(
        new RegExp(`\\b${id}\\b`, 'g'),
        '{id}',
      );

    it('GET /api/rounds/:id/responses', async () => {
      const mine = await get(s.otherRespondent, `/api/rounds/${s.roundId}/responses`);
      const none = await get(s.otherRespondent, `/api/rounds/${missing}/responses`);
      expect([mine.status, none.status]).toEqual([404, 404]);
      expect(shape(mine.body, s.roundId)).toBe(shape(none.body, missing));
      expect(mine.body.message).toBe(`Round ${s.roundId} was not found`);
    });

    it('GET /api/inbox/:recipientId/memo.docx', async () => {
      const theirs = await get(s.otherRespondent, `/api/inbox/${s.recipients.sfn}/memo.docx`);
      const none = await get(s.otherRespondent, `/api/inbox/${missing}/memo.docx`);
      expect([theirs.status, none.status]).toEqual([404, 404]);
      expect(shape(theirs.body, s.recipients.sfn)).toBe(shape(none.body, missing));
      expect(theirs.body.message).toBe(`Recipient ${s.recipients.sfn} was not found`);
      expect(JSON.stringify(theirs.body)).not.toContain('Servicenämnden');
    });

    it('POST /api/rounds/:id/responses', async () => {
      const answer = { organisationId: s.organisations.sfn, position: 'approve' };
      const post = (id: number, body: Record<string, unknown>) =>
        t
          .http()
          .post(`/api/rounds/${id}/responses`)
          .set('Authorization', s.otherRespondent.auth)
          .send(body);
      for (const body of [
        answer,
        { ...answer, organisationId: s.organisations.bun },
        { ...answer, receivedVia: 'paper' },
      ]) {
        const theirs = await post(s.roundId, body);
        const none = await post(missing, body);
        expect([theirs.status, none.status]).toEqual([404, 404]);
        expect(shape(theirs.body, s.roundId)).toBe(shape(none.body, missing));
      }
      const answers = await get(s.registrar, `/api/rounds/${s.roundId}/responses?history=true`);
      expect(answers.body.items).toHaveLength(2);
    });

    it('still lets the consultee read its own answer in full', async () => {
      const own = await get(s.consultee, `/api/rounds/${s.roundId}/responses`);
      expect(own.status).toBe(200);
      expect(own.body.items).toEqual([
        expect.objectContaining({
          organisation: { id: s.organisations.sfn, name: 'Servicenämnden' },
          summary: SECRETS.accountSummary,
          comments: [{ sectionRef: '1', text: SECRETS.accountComment }],
          redacted: false,
        }),
      ]);
    });
  });

  describe('mails of a confidential round (A25)', () => {
    const roundMails = () =>
      sink.mails.filter(
        (mail) =>
          ['sfn@kalmar.test', 'hamn@kalmar.test'].includes(mail.to) &&
          !/hamntaxor/.test(mail.subject),
      );

    it('name the case number, never the title, message, sections or documents', async () => {
      await waitFor(
        () => roundMails().map((mail) => mail.subject.split(':')[0]),
        (kinds) =>
          kinds.filter((kind) => kind === 'Remiss').length === 2 &&
          kinds.filter((kind) => kind === 'Kvittens').length === 2 &&
          kinds.some((kind) => kind.startsWith('Anstånd')),
      );
      const mails = roundMails();
      const invitation = mails.find(
        (mail) => mail.to === 'hamn@kalmar.test' && /^Remiss/.test(mail.subject),
      )!;
      expect(invitation.subject).toBe(
        `Remiss: Sekretessbelagd remiss (${s.caseNumber}) – svar senast ${stockholmDay(30)}`,
      );
      expect(invitation.text).toContain(`${s.caseNumber}-1 Sekretessbelagd handling`);
      expect(invitation.attachments).toEqual([]);
      for (const mail of mails) {
        expect(`${mail.subject}\n${mail.text}\n${mail.html}`).not.toMatch(SECRET_PATTERN);
        expect(mail.text).toContain(s.caseNumber);
      }
    });

    it('name the case number in reminders and overdue notices too', async () => {
      // Servicenämnden's answer is set aside; the clock moves past the deadline and sweeps.
      const deadline = stockholmDay(30);
      const dayAfter = workingDayOnOrAfter(addDays(deadline, 1));
      await t.sql(
        "UPDATE referral_round_recipient SET status = 'sent', response_id = NULL, answered_at = NULL WHERE round_id = ? AND organisation_id = ?",
        [s.roundId, s.organisations.sfn],
      );
      await t.close({ keepData: true });
      t = await startTestApp(
        {},
        { ...config, clockOffsetMs: instantAt(dayAfter, 9, ZONE).getTime() - Date.now() },
      );
      const sweep = await t.http().post('/api/admin/reminders/sweep').set('Authorization', s.admin);
      expect(sweep.status).toBe(200);
      const overdueOf = () =>
        sink.mails.filter(
          (mail) => mail.to === 'sfn@kalmar.test' && /^Svarstiden har gått ut/.test(mail.subject),
        );
      const [overdue] = await waitFor(overdueOf, (found) => found.length >= 1);
      expect(overdue.subject).toBe(
        `Svarstiden har gått ut: Sekretessbelagd remiss (${s.caseNumber})`,
      );
      for (const mail of sink.mails.filter((each) =>
        /^(Svarstiden|Påminnelse)/.test(each.subject),
      )) {
        expect(`${mail.subject}\n${mail.text}\n${mail.html}`).not.toMatch(SECRET_PATTERN);
      }
      expect(`${overdue.text}\n${overdue.html}`).not.toMatch(SECRET_PATTERN);
    });
  });
});
