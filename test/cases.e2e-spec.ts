import { adminAuth, createOrganisation, createUser, TestUser } from './helpers/factories.js';
import { startTestApp, TestApp } from './helpers/test-app.js';
import { stockholmYear } from './helpers/test-clock.js';

const year = stockholmYear();

describe('case register', () => {
  let t: TestApp;
  let admin: string;
  let registrar: TestUser;
  let reader: TestUser;
  let ks: { id: number };
  let sfn: { id: number };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminAuth(t);
    ks = await createOrganisation(t, admin, {
      name: 'Kommunstyrelsen',
      kind: 'council',
      seriesCode: 'KS',
    });
    sfn = await createOrganisation(t, admin, {
      name: 'Servicenämnden',
      kind: 'committee',
      seriesCode: 'SFN',
    });
    registrar = await createUser(t, admin, ['registrar'], [ks.id]);
    reader = await createUser(t, admin, ['reader']);
  });
  afterAll(async () => {
    await t.close();
  });

  const register = (body: Record<string, unknown>, auth = registrar.auth) =>
    t.http().post('/api/cases').set('Authorization', auth).send(body);
  const count = async (table: string) =>
    Number((await t.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  it('gives 50 concurrent registrations exactly the numbers 0001 to 0050', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        register({ title: `Ärende ${index}`, organisationId: ks.id }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(201));
    const numbers = responses.map((response) => response.body.caseNumber as string).sort();
    expect(numbers).toEqual(
      Array.from({ length: 50 }, (_, index) => `KS ${year}/${String(index + 1).padStart(4, '0')}`),
    );
  });

  it('numbers each series on its own and records who registered, in the audit log', async () => {
    const response = await register({
      title: 'Remissvar gällande strategi för etnisk och kulturell inkludering',
      description: 'Servicenämndens yttrande över förslaget.',
      organisationId: sfn.id,
      officerId: registrar.id,
      classification: '1.4.2',
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      caseNumber: `SFN ${year}/0001`,
      organisationId: sfn.id,
      officerId: registrar.id,
      classification: '1.4.2',
      confidential: false,
      redacted: false,
      status: 'open',
      documentCount: 0,
      version: 1,
    });
    const audit = await t
      .http()
      .get(`/api/audit?entity=case&entityId=${response.body.id}`)
      .set('Authorization', admin);
    expect(audit.body.items.map((event: { action: string }) => event.action)).toEqual([
      'case.created',
    ]);
    expect(audit.body.items[0].actorUserId).toBe(registrar.id);
  });

  it('refuses bad input with 400 naming the field, and writes nothing', async () => {
    const cases = await count('case_record');
    const events = await count('audit_event');
    const noSeries = await createOrganisation(t, admin, {
      name: 'Pensionärsrådet',
      kind: 'external',
    });

    const missingTitle = await register({ organisationId: ks.id, colour: 'red' });
    expect(missingTitle.status).toBe(400);
    expect(missingTitle.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'colour',
      'title',
    ]);

    const withoutSeries = await register({ title: 'X', organisationId: noSeries.id });
    expect(withoutSeries.status).toBe(400);
    expect(withoutSeries.body).toMatchObject({
      code: 'organisation_without_series',
      details: [{ field: 'organisationId', messages: ['organisationId must have a seriesCode'] }],
    });

    const unknownOwner = await register({ title: 'X', organisationId: 9999 });
    expect(unknownOwner.status).toBe(400);
    expect(unknownOwner.body.details).toEqual([
      { field: 'organisationId', messages: ['organisationId 9999 is not a known organisation'] },
    ]);

    const unknownOfficer = await register({ title: 'X', organisationId: ks.id, officerId: 9999 });
    expect(unknownOfficer.body.details).toEqual([
      { field: 'officerId', messages: ['officerId 9999 is not an active user'] },
    ]);

    expect(await count('case_record')).toBe(cases);
    expect(await count('audit_event')).toBe(events + 1); // the organisation created above
    const sequence = await t.sql<{ last_value: number }>(
      "SELECT last_value FROM case_number_sequence WHERE series_code = 'KS'",
    );
    expect(Number(sequence[0].last_value)).toBe(50);
  });

  it('lets only registrars and admins register, and answers 404 for an unknown case', async () => {
    expect((await register({ title: 'X', organisationId: ks.id }, reader.auth)).status).toBe(403);
    const unknown = await t.http().get('/api/cases/999999').set('Authorization', reader.auth);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'not_found', message: 'Case 999999 was not found' });
  });

  it('pages newest first with a cursor that is stable under new registrations', async () => {
    const first = await t
      .http()
      .get(`/api/cases?organisationId=${ks.id}&limit=20`)
      .set('Authorization', registrar.auth);
    expect(first.body.items).toHaveLength(20);
    // A registration between pages must not shift the next page.
    await register({ title: 'Inskjutet ärende', organisationId: ks.id });
    const second = await t
      .http()
      .get(`/api/cases?organisationId=${ks.id}&limit=20&cursor=${first.body.nextCursor}`)
      .set('Authorization', registrar.auth);
    const third = await t
      .http()
      .get(`/api/cases?organisationId=${ks.id}&limit=20&cursor=${second.body.nextCursor}`)
      .set('Authorization', registrar.auth);
    expect(third.body.nextCursor).toBeNull();
    const numbers = [...first.body.items, ...second.body.items, ...third.body.items].map(
      (item: { caseNumber: string }) => item.caseNumber,
    );
    expect(numbers).toEqual(
      Array.from({ length: 50 }, (_, index) => `KS ${year}/${String(50 - index).padStart(4, '0')}`),
    );
  });

  it('searches title, description and case number; case-insensitive, å/ä/ö exact', async () => {
    await register({ title: 'Översyn av ärendehantering', organisationId: ks.id });
    await register({ title: 'Arendehantering i hamnen', organisationId: ks.id });
    const search = async (q: string) => {
      const response = await t
        .http()
        .get(`/api/cases?limit=200&q=${encodeURIComponent(q)}`)
        .set('Authorization', registrar.auth);
      expect(response.status).toBe(200);
      return response.body.items.map((item: { title: string }) => item.title) as string[];
    };
    expect(await search('ÄRENDEHANTERING')).toEqual(['Översyn av ärendehantering']);
    expect(await search('ärendehant')).toEqual(['Översyn av ärendehantering']);
    expect(await search('arendehantering')).toEqual(['Arendehantering i hamnen']);
    expect(await search('yttrande servicenämndens')).toEqual([
      'Remissvar gällande strategi för etnisk och kulturell inkludering',
    ]);
    expect(await search(`SFN ${year}/0001`)).toEqual([
      'Remissvar gällande strategi för etnisk och kulturell inkludering',
    ]);
    // KS …/0049 was one of the concurrent registrations, whichever title it got.
    expect(await search(`KS ${year}/0049`)).toHaveLength(1);
    expect(await search(`${year}/00`)).toHaveLength(50 + 1 + 1 + 2);
  });

  it('closes with a reason, refuses closing twice, and audits the reopening', async () => {
    const created = await register({ title: 'Att avsluta', organisationId: ks.id });
    const id = created.body.id as number;
    const noReason = await t
      .http()
      .post(`/api/cases/${id}/close`)
      .set('Authorization', registrar.auth)
      .send({});
    expect(noReason.status).toBe(400);
    expect(noReason.body.details[0].field).toBe('reason');

    const closed = await t
      .http()
      .post(`/api/cases/${id}/close`)
      .set('Authorization', registrar.auth)
      .send({ reason: 'Beslut fattat' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      status: 'closed',
      closedReason: 'Beslut fattat',
      version: 2,
    });

    const again = await t
      .http()
      .post(`/api/cases/${id}/close`)
      .set('Authorization', registrar.auth)
      .send({ reason: 'Igen' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('invalid_transition');

    const reopened = await t
      .http()
      .post(`/api/cases/${id}/reopen`)
      .set('Authorization', registrar.auth)
      .send({ reason: 'Nya uppgifter har kommit in' });
    expect(reopened.body).toMatchObject({
      status: 'open',
      closedReason: null,
      closedAt: null,
      version: 3,
    });

    const audit = await t
      .http()
      .get(`/api/audit?entity=case&entityId=${id}`)
      .set('Authorization', admin);
    expect(audit.body.items.map((event: { action: string }) => event.action)).toEqual([
      'case.reopened',
      'case.closed',
      'case.created',
    ]);
    expect(audit.body.items[0].after.reason).toBe('Nya uppgifter har kommit in');
  });

  it('hides a confidential title from a reader, in lists, search and reads', async () => {
    const secret = await register({
      title: 'Skyddade personuppgifter i ärendet',
      organisationId: ks.id,
      confidential: true,
    });
    const asReader = await t
      .http()
      .get(`/api/cases/${secret.body.id}`)
      .set('Authorization', reader.auth);
    expect(asReader.status).toBe(200);
    expect(asReader.body).toMatchObject({
      caseNumber: secret.body.caseNumber,
      title: null,
      description: null,
      confidential: true,
      redacted: true,
    });
    const list = await t.http().get('/api/cases?limit=1').set('Authorization', reader.auth);
    expect(list.body.items[0]).toMatchObject({ id: secret.body.id, title: null, redacted: true });
    const search = await t
      .http()
      .get('/api/cases?q=personuppgifter')
      .set('Authorization', reader.auth);
    expect(search.body.items).toEqual([]);

    const asRegistrar = await t
      .http()
      .get(`/api/cases/${secret.body.id}`)
      .set('Authorization', registrar.auth);
    expect(asRegistrar.body).toMatchObject({
      title: 'Skyddade personuppgifter i ärendet',
      redacted: false,
    });
  });
});
