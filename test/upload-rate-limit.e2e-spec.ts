import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createUser } from './helpers/factories.js';
import { pdf } from './helpers/files.js';
import { caseWithDraft, sendRound, type RoundFixture } from './helpers/round-fixtures.js';
import { SmtpSink, waitFor } from './helpers/smtp-sink.js';
import { startTestApp, TestApp } from './helpers/test-app.js';

interface SecurityEventRow {
  kind: string;
  method: string;
  route: string;
  account: string;
  userId: number | null;
  count: number;
}

/** Uploads are limited per user and per link, across every route that takes files (A23). */
describe('uploads are limited per user and per link', () => {
  const LIMIT = 3;
  let t: TestApp;
  let sink: SmtpSink;
  let fixture: RoundFixture;
  let roundId: number;
  const tokens: string[] = [];

  const count = async (table: string) =>
    Number((await t.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  const incoming = () => {
    try {
      return readdirSync(join(t.config.storageDir, 'incoming'));
    } catch {
      return [];
    }
  };
  const uploadDocument = (auth: string, index: number) =>
    t
      .http()
      .post(`/api/cases/${fixture.caseId}/documents`)
      .set('Authorization', auth)
      .field('title', `Handling ${index}`)
      .field('direction', 'incoming')
      .attach('file', pdf(`handling ${index}`), { filename: `handling-${index}.pdf` });
  const answerThroughLink = (token: string, index: number) =>
    t
      .http()
      .post(`/api/respond/${token}`)
      .field('position', 'approve')
      .field('summary', `Svar ${index}`)
      .attach('files', pdf(`svar ${index}`), { filename: `svar-${index}.pdf` });
  const securityEvents = async (): Promise<SecurityEventRow[]> => {
    const response = await t
      .http()
      .get('/api/admin/security-events?kind=rate_limited&limit=200')
      .set('Authorization', fixture.admin);
    expect(response.status).toBe(200);
    return response.body.items;
  };

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({
      SMTP_URL: sink.url,
      PUBLIC_URL: 'https://remiss.exempel.se',
      UPLOAD_RATE_LIMIT: String(LIMIT),
    });
    // The fixture's draft is the registrar's first upload this minute.
    fixture = await caseWithDraft(t, 2);
    const round = await sendRound(t, fixture, {
      title: 'Kulturstrategi',
      recipientOrganisationIds: fixture.committees.map((committee) => committee.id),
    });
    expect(round.sent.status).toBe(200);
    roundId = round.id;
    for (const committee of fixture.committees) {
      const [mail] = await waitFor(
        () => sink.to(committee.email),
        (mails) => mails.length === 1,
      );
      tokens.push(/\/respond\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1]);
    }
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('refuses a user’s uploads past the limit on every route that takes files, with Retry-After', async () => {
    const statuses = [];
    for (let index = 2; index <= LIMIT; index += 1) {
      statuses.push((await uploadDocument(fixture.registrar.auth, index)).status);
    }
    expect(statuses).toEqual([201, 201]);
    const documents = await count('document');

    const refused = await uploadDocument(fixture.registrar.auth, LIMIT + 1);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body).toMatchObject({
      statusCode: 429,
      code: 'too_many_requests',
      message: `Too many uploads (at most ${LIMIT} a minute); try again in ${retryAfter} seconds`,
    });
    // A paper answer with its file counts against the same user.
    const paper = await t
      .http()
      .post(`/api/rounds/${roundId}/responses`)
      .set('Authorization', fixture.registrar.auth)
      .field('organisationId', String(fixture.committees[0].id))
      .field('receivedVia', 'paper')
      .field('position', 'approve')
      .attach('files', pdf('pappersbrev'), { filename: 'brev.pdf' });
    expect(paper.status).toBe(429);
    expect(paper.body.code).toBe('too_many_requests');
    expect(await count('document')).toBe(documents);
    expect(incoming()).toEqual([]);

    // Requests without files are not uploads: the same user still works with JSON.
    const created = await t
      .http()
      .post('/api/cases')
      .set('Authorization', fixture.registrar.auth)
      .send({ title: 'Ett nytt ärende', organisationId: fixture.owner.id });
    expect(created.status).toBe(201);
    // Another user has a count of their own.
    const colleague = await createUser(t, fixture.admin, ['registrar'], [fixture.owner.id]);
    expect((await uploadDocument(colleague.auth, 100)).status).toBe(201);

    const rows = await securityEvents();
    const mine = rows.filter((row) => row.account === fixture.registrar.email);
    expect(
      mine
        .map((row) => [row.method, row.route, row.userId, row.count])
        .sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    ).toEqual([
      ['POST', '/api/cases/:caseId/documents', fixture.registrar.id, 1],
      ['POST', '/api/rounds/:id/responses', fixture.registrar.id, 1],
    ]);
  });

  it('counts a link’s uploads on the JSON route and the form together, one link apart from another', async () => {
    const statuses = [];
    for (let index = 1; index <= LIMIT; index += 1) {
      statuses.push((await answerThroughLink(tokens[0], index)).status);
    }
    expect(statuses).toEqual([201, 201, 201]);
    const documents = await count('document');
    const responses = await count('referral_round_response');

    const refused = await answerThroughLink(tokens[0], LIMIT + 1);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('too_many_requests');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    // The mailed page's form is refused as a Swedish page.
    const form = await t
      .http()
      .post(`/respond/${tokens[0]}`)
      .field('position', 'approve')
      .attach('files', pdf('formulär'), { filename: 'svar.pdf' });
    expect(form.status).toBe(429);
    expect(form.headers['content-type']).toMatch(/^text\/html/);
    expect(form.headers['retry-after']).toBeDefined();
    expect(form.text).toContain('<h1>För många försök</h1>');
    expect(await count('document')).toBe(documents);
    expect(await count('referral_round_response')).toBe(responses);
    expect(incoming()).toEqual([]);

    // The other recipient's link, from the same address, is not held up.
    expect((await answerThroughLink(tokens[1], 1)).status).toBe(201);

    const rows = await securityEvents();
    const linkRows = rows.filter((row) => row.route.includes(':token'));
    expect(linkRows.map((row) => [row.route, row.account, row.userId, row.count]).sort()).toEqual([
      ['/api/respond/:token', '', null, 1],
      ['/respond/:token', '', null, 1],
    ]);
    // The log names the route pattern, never a link.
    expect(JSON.stringify(rows)).not.toContain(tokens[0]);
  });
});
