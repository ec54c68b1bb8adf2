import { DataSource } from 'typeorm';
import { CreateCaseSearchTerms1796400000000 } from '../migrations/1796400000000-CreateCaseSearchTerms.js';
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
  describe('search through the term table', () => {
    const find = async (q: string, auth = registrar.auth, limit = 200) => {
      const response = await t
        .http()
        .get(`/api/cases?limit=${limit}&q=${encodeURIComponent(q)}`)
        .set('Authorization', auth);
      expect(response.status).toBe(200);
      return response.body.items.map((item: { caseNumber: string }) => item.caseNumber) as string[];
    };
    const termsOf = async (id: number) =>
      (
        await t.sql<{ term: string }>(
          'SELECT term FROM case_search_term WHERE case_id = ? ORDER BY term',
          [id],
        )
      ).map((row) => row.term);

    it('finds by a word, a prefix, all of several words, and a case number', async () => {
      const a = await register({
        title: 'Tillsyn av Solrosgården',
        description: 'Granskning av kvarteret Solrosgården och dess omsorgsplan.',
        organisationId: ks.id,
      });
      const b = await register({ title: 'Omsorgsplan för Lindbacken', organisationId: ks.id });
      expect(await find('solrosgården')).toEqual([a.body.caseNumber]);
      expect(await find('SOLROS')).toEqual([a.body.caseNumber]);
      expect(await find('omsorgsplan')).toEqual([b.body.caseNumber, a.body.caseNumber]);
      expect(await find('omsorgsplan lindback')).toEqual([b.body.caseNumber]);
      expect(await find('omsorgsplan solros kvarteret')).toEqual([a.body.caseNumber]);
      expect(await find('omsorgsplan saknasord')).toEqual([]);
      expect(await find(a.body.caseNumber.toLowerCase())).toEqual([a.body.caseNumber]);
      expect(await t.sql('SELECT 1 FROM case_search_term WHERE term = ?', ['av'])).toEqual([]);
      expect(await termsOf(b.body.id)).toEqual(['för', 'lindbacken', 'omsorgsplan']);
    });

    it('reads the cases themselves when a prefix starts too many terms', async () => {
      const letters = 'abcdefghijklmnopqrstuvwxyzåäö';
      const many = Array.from(letters, (letter) => `zygot${letter}${letter}`).join(' ');
      const first = await register({
        title: 'Zygotmodellen',
        description: `${many} zygotmmxx zygotmmyy zygotmmzz zygotmmåå`,
        organisationId: ks.id,
      });
      const second = await register({ title: 'Zygotprovet', organisationId: ks.id });
      expect(
        await t.sql('SELECT COUNT(DISTINCT term) AS n FROM case_search_term WHERE term LIKE ?', [
          'zygot%',
        ]),
      ).toEqual([{ n: 35 }]);
      expect(await find('zygot')).toEqual([second.body.caseNumber, first.body.caseNumber]);
      expect(await find('zygot modellen')).toEqual([]);
      expect(await find('zygot zygotmod')).toEqual([first.body.caseNumber]);
    });

    it('keeps å, ä and ö apart from a and o', async () => {
      const withRing = await register({
        title: 'Årsbokslut för hamnbolaget',
        organisationId: ks.id,
      });
      const plain = await register({
        title: 'Arsbokslut enligt gammal stavning',
        organisationId: ks.id,
      });
      const dots = await register({ title: 'Översvämningsplan', organisationId: ks.id });
      expect(await find('årsbokslut')).toEqual([withRing.body.caseNumber]);
      expect(await find('arsbok')).toEqual([plain.body.caseNumber]);
      expect(await find('ÅRSBOK')).toEqual([withRing.body.caseNumber]);
      expect(await find('översvämning')).toEqual([dots.body.caseNumber]);
      expect(await find('oversvämning')).toEqual([]);
      // Two letters go through LIKE on the case itself, with the same collation.
      expect(await find('årsb')).toEqual([withRing.body.caseNumber]);
      expect((await find('år')).includes(plain.body.caseNumber)).toBe(false);
    });

    it('hides a confidential case from readers and clerks, not from a registrar', async () => {
      const clerk = await createUser(t, admin, ['clerk'], [ks.id]);
      const secret = await register({
        title: 'Skyddsbedömning Hjortronstigen',
        organisationId: ks.id,
        confidential: true,
      });
      const open = await register({ title: 'Hjortronstigen, belysning', organisationId: ks.id });
      expect(await find('hjortronstigen', reader.auth)).toEqual([open.body.caseNumber]);
      expect(await find('hjortron skydds', clerk.auth)).toEqual([]);
      expect(await find('hjortronstigen', clerk.auth)).toEqual([open.body.caseNumber]);
      expect(await find('hjortronstigen')).toEqual([open.body.caseNumber, secret.body.caseNumber]);
      expect(await find('skyddsbedömning')).toEqual([secret.body.caseNumber]);
    });

    it('moves the terms with a changed title, in the transaction of the change', async () => {
      const created = await register({
        title: 'Utredning om Pilgrimsleden',
        organisationId: ks.id,
      });
      const id = created.body.id as number;
      const stale = await t
        .http()
        .patch(`/api/cases/${id}`)
        .set('Authorization', registrar.auth)
        .set('If-Match', '"7"')
        .send({ title: 'Utredning om Vandringsleden' });
      expect(stale.status).toBe(409);
      expect(await termsOf(id)).toEqual(['pilgrimsleden', 'utredning']);
      const changed = await t
        .http()
        .patch(`/api/cases/${id}`)
        .set('Authorization', registrar.auth)
        .send({ title: 'Utredning om Vandringsleden' });
      expect(changed.status).toBe(200);
      expect(await termsOf(id)).toEqual(['utredning', 'vandringsleden']);
      expect(await find('pilgrimsleden')).toEqual([]);
      expect(await find('vandringsled')).toEqual([created.body.caseNumber]);
    });

    it('pages through a common word with the cursor: every hit once, newest first', async () => {
      const numbers: string[] = [];
      for (let index = 0; index < 23; index += 1) {
        const word = index % 3 === 0 ? 'Kvarnstensmodellen' : 'kvarnstensmodell';
        const response = await register({ title: `${word} ${index}`, organisationId: sfn.id });
        numbers.push(response.body.caseNumber as string);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query = cursor === null ? '' : `&cursor=${cursor}`;
        const response = await t
          .http()
          .get(`/api/cases?limit=5&q=kvarnstensmod${query}`)
          .set('Authorization', registrar.auth);
        expect(response.status).toBe(200);
        seen.push(...response.body.items.map((item: { caseNumber: string }) => item.caseNumber));
        cursor = response.body.nextCursor as string | null;
      } while (cursor !== null);
      expect(seen).toEqual([...numbers].reverse());
    });

    it('fills the table from existing cases when the migration runs', async () => {
      const before = await t.sql(
        'SELECT term, case_id FROM case_search_term ORDER BY term, case_id',
      );
      expect(before.length).toBeGreaterThan(100);
      const runner = t.app.get(DataSource).createQueryRunner();
      try {
        const migration = new CreateCaseSearchTerms1796400000000();
        await migration.down(runner);
        await migration.up(runner);
      } finally {
        await runner.release();
      }
      expect(
        await t.sql('SELECT term, case_id FROM case_search_term ORDER BY term, case_id'),
      ).toEqual(before);
    });
  });
});
