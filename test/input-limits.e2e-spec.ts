import { adminAuth, createOrganisation } from './helpers/factories.js';
import { caseWithDraft, type RoundFixture } from './helpers/round-fixtures.js';
import { SmtpSink, waitFor } from './helpers/smtp-sink.js';
import { startTestApp, TestApp } from './helpers/test-app.js';
import { stockholmDay } from './helpers/test-clock.js';

/** Input the review made the service choke on: each gets a 400 naming the field, and nothing is written. */
describe('no input makes a 500', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let fixture: RoundFixture;
  const count = async (table: string) =>
    Number((await t.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  const createRound = (body: Record<string, unknown>) =>
    t
      .http()
      .post(`/api/cases/${fixture.caseId}/rounds`)
      .set('Authorization', fixture.registrar.auth)
      .send({ title: 'Remiss', documentIds: [fixture.draftId], ...body });

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, PUBLIC_URL: 'https://remiss.exempel.se' });
    fixture = await caseWithDraft(t, 1);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('refuses a deadline more than two years ahead, on a round and on an extension (A15)', async () => {
    const rounds = await count('referral_round');
    const far = await createRound({
      deadline: '9999-12-31',
      recipientOrganisationIds: [fixture.committees[0].id],
    });
    expect(far.status).toBe(400);
    expect(far.body.code).toBe('validation_failed');
    expect(far.body.details.map((detail: { field: string }) => detail.field)).toEqual(['deadline']);
    expect(await count('referral_round')).toBe(rounds);

    const round = await createRound({
      deadline: stockholmDay(30),
      recipientOrganisationIds: [fixture.committees[0].id],
    });
    expect(round.status).toBe(201);
    const sent = await t
      .http()
      .post(`/api/rounds/${round.body.id}/send`)
      .set('Authorization', fixture.registrar.auth);
    expect(sent.status).toBe(200);
    const extensions = await count('referral_round_extension');
    const extension = await t
      .http()
      .post(`/api/rounds/${round.body.id}/recipients/${round.body.recipients[0].id}/extension`)
      .set('Authorization', fixture.registrar.auth)
      .send({ deadline: '9999-12-31', reason: 'Mer tid' });
    expect(extension.status).toBe(400);
    expect(extension.body.details.map((detail: { field: string }) => detail.field)).toEqual([
      'deadline',
    ]);
    expect(await count('referral_round_extension')).toBe(extensions);
  });

  it('answers JSON nested 2,000 deep with 400, on public routes too (A18)', async () => {
    const deep = `{"title":${'['.repeat(2000)}${']'.repeat(2000)}}`;
    for (const path of ['/api/cases', '/api/auth/login', '/api/respond/abc']) {
      const response = await t
        .http()
        .post(path)
        .set('Authorization', fixture.registrar.auth)
        .set('Content-Type', 'application/json')
        .send(deep);
      expect([path, response.status, response.body.code]).toEqual([path, 400, 'body_too_deep']);
    }
  });

  it('treats blank, control and bidi text as wrong, and __proto__ as an unknown field (A16, A17, A19)', async () => {
    const cases = await count('case_record');
    const post = (body: Record<string, unknown>) =>
      t.http().post('/api/cases').set('Authorization', fixture.registrar.auth).send(body);
    const ks = fixture.owner.id;
    const blank = await post({ title: '   ', organisationId: ks });
    expect(blank.status).toBe(400);
    expect(blank.body.details).toEqual([{ field: 'title', messages: ['title is required'] }]);
    const control = await post({ title: 'abc\u0000def', organisationId: ks });
    expect(control.status).toBe(400);
    expect(control.body.details[0].field).toBe('title');
    const bidi = await post({ title: 'RTL \u202Efdp.exe', organisationId: ks });
    expect(bidi.status).toBe(400);
    expect(bidi.body.details[0].field).toBe('title');
    const proto = await t
      .http()
      .post('/api/cases')
      .set('Authorization', fixture.registrar.auth)
      .set('Content-Type', 'application/json')
      .send(`{"__proto__":{"roles":["admin"]},"title":"proto","organisationId":${ks}}`);
    expect(proto.status).toBe(400);
    expect(JSON.stringify(proto.body.details)).toContain('__proto__');
    expect(await count('case_record')).toBe(cases);
  });

  it('takes only strict positive whole numbers as path ids (A14)', async () => {
    for (const id of ['1e3', '0x1', '1.0', '0', '-1', '9007199254740993']) {
      const response = await t
        .http()
        .get(`/api/cases/${id}`)
        .set('Authorization', fixture.registrar.auth);
      expect([id, response.status]).toEqual([id, 400]);
    }
  });

  it('sends a round to "Kultur/fritidsnämnden" and takes its answer through the link (A21, A22)', async () => {
    const admin = await adminAuth(t);
    const slash = await createOrganisation(t, admin, {
      name: 'Kultur/fritidsnämnden',
      kind: 'committee',
      seriesCode: 'KFN',
      email: 'kfn@kalmar.test',
    });
    const round = await createRound({
      title: 'Kulturstrategi',
      deadline: stockholmDay(30),
      recipientOrganisationIds: [slash.id],
    });
    expect(round.status).toBe(201);
    const sent = await t
      .http()
      .post(`/api/rounds/${round.body.id}/send`)
      .set('Authorization', fixture.registrar.auth);
    expect(sent.status).toBe(200);
    const [mail] = await waitFor(
      () => sink.to('kfn@kalmar.test'),
      (mails) => mails.length === 1,
    );
    const token = /\/respond\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1];
    const answer = await t
      .http()
      .post(`/api/respond/${token}`)
      .send({ position: 'approve_with_comments', summary: 'Vi tillstyrker.' });
    expect(answer.status).toBe(201);
    const files = await t.sql<{ file_name: string }>(
      "SELECT file_name FROM document WHERE file_name LIKE '%Kultur%'",
    );
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const { file_name: name } of files) expect(name).not.toMatch(/[/\\]/);
  });
});
