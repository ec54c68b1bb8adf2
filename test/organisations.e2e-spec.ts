import { adminAuth, createOrganisation, createUser } from './helpers/factories.js';
import { startTestApp, TestApp } from './helpers/test-app.js';

describe('organisation directory and audit log', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminAuth(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const count = async (table: string) =>
    Number((await t.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  it('creates an organisation, answers 201 and records the change in the audit log', async () => {
    const response = await t
      .http()
      .post('/api/organisations')
      .set('Authorization', admin)
      .send({ name: 'Kommunstyrelsen', kind: 'council', seriesCode: 'KS', email: 'KS@exempel.se' });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      name: 'Kommunstyrelsen',
      kind: 'council',
      seriesCode: 'KS',
      email: 'ks@exempel.se',
      parentId: null,
      active: true,
      version: 1,
    });

    const audit = await t
      .http()
      .get(`/api/audit?entity=organisation&entityId=${response.body.id}`)
      .set('Authorization', admin);
    expect(audit.status).toBe(200);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      action: 'organisation.created',
      entity: 'organisation',
      entityId: String(response.body.id),
      actorLabel: 'admin@test.exempel.se',
      before: null,
      after: { name: 'Kommunstyrelsen', seriesCode: 'KS' },
    });
    expect(audit.body.items[0].requestId).toEqual(expect.any(String));
  });

  it('sorts the directory the Swedish way and filters by kind', async () => {
    for (const [name, kind] of [
      ['Örnsköldsviks Hamn AB', 'company'],
      ['Ängelholms Energi AB', 'company'],
      ['Åre Bostäder AB', 'company'],
      ['Zeta Fastigheter AB', 'company'],
      ['Arvika Vatten AB', 'company'],
      ['Barn- och utbildningsnämnden', 'committee'],
    ]) {
      await createOrganisation(t, admin, { name, kind });
    }
    const companies = await t
      .http()
      .get('/api/organisations?kind=company')
      .set('Authorization', admin);
    expect(companies.status).toBe(200);
    expect(companies.body.items.map((o: { name: string }) => o.name)).toEqual([
      'Arvika Vatten AB',
      'Zeta Fastigheter AB',
      'Åre Bostäder AB',
      'Ängelholms Energi AB',
      'Örnsköldsviks Hamn AB',
    ]);
    expect(companies.body.nextCursor).toBeNull();

    const several = await t
      .http()
      .get('/api/organisations?kind=committee,council')
      .set('Authorization', admin);
    expect(several.body.items.map((o: { name: string }) => o.name)).toEqual([
      'Barn- och utbildningsnämnden',
      'Kommunstyrelsen',
    ]);

    const bad = await t.http().get('/api/organisations?kind=club').set('Authorization', admin);
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('kind');
  });

  it('pages through the directory with a cursor', async () => {
    const first = await t.http().get('/api/organisations?limit=3').set('Authorization', admin);
    expect(first.body.items).toHaveLength(3);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t
      .http()
      .get(`/api/organisations?limit=3&cursor=${first.body.nextCursor}`)
      .set('Authorization', admin);
    const third = await t
      .http()
      .get(`/api/organisations?limit=3&cursor=${second.body.nextCursor}`)
      .set('Authorization', admin);
    const names = [...first.body.items, ...second.body.items, ...third.body.items].map(
      (o: { name: string }) => o.name,
    );
    expect(names).toEqual([
      'Arvika Vatten AB',
      'Barn- och utbildningsnämnden',
      'Kommunstyrelsen',
      'Zeta Fastigheter AB',
      'Åre Bostäder AB',
      'Ängelholms Energi AB',
      'Örnsköldsviks Hamn AB',
    ]);
    expect(third.body.nextCursor).toBeNull();

    const forged = await t
      .http()
      .get('/api/organisations?cursor=garbage')
      .set('Authorization', admin);
    expect(forged.status).toBe(400);
    expect(forged.body.details).toEqual([
      { field: 'cursor', messages: ['cursor is not a valid cursor'] },
    ]);
  });

  it('refuses a taken series code with 409 naming the field, and writes nothing', async () => {
    const organisations = await count('organisation');
    const events = await count('audit_event');
    const response = await t
      .http()
      .post('/api/organisations')
      .set('Authorization', admin)
      .send({ name: 'Kommunstyrelsens arbetsutskott', kind: 'committee', seriesCode: 'KS' });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
      code: 'series_code_taken',
      details: [{ field: 'seriesCode', messages: ['seriesCode is already in use'] }],
    });
    expect(await count('organisation')).toBe(organisations);
    expect(await count('audit_event')).toBe(events);
  });

  it('refuses unknown and malformed fields with 400 and writes nothing', async () => {
    const organisations = await count('organisation');
    const response = await t.http().post('/api/organisations').set('Authorization', admin).send({
      name: 'Miljönämnden',
      kind: 'nämnd',
      seriesCode: 'mn',
      email: 'nope',
      colour: 'green',
    });
    expect(response.status).toBe(400);
    expect(response.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'colour',
      'email',
      'kind',
      'seriesCode',
    ]);
    expect(response.body.message).toContain(
      'kind must be one of council, committee, company, federation, external',
    );
    expect(await count('organisation')).toBe(organisations);

    const malformed = await t
      .http()
      .post('/api/organisations')
      .set('Authorization', admin)
      .set('Content-Type', 'application/json')
      .send('{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('bad_request');
  });

  it('updates with PATCH, keeps before and after in the audit log, and honours If-Match', async () => {
    const council = await createOrganisation(t, admin, {
      name: 'Kommunfullmäktige',
      kind: 'council',
      seriesCode: 'KF',
    });
    const updated = await t
      .http()
      .patch(`/api/organisations/${council.id}`)
      .set('Authorization', admin)
      .set('If-Match', '"1"')
      .send({ email: 'kf@exempel.se', seriesCode: null });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ email: 'kf@exempel.se', seriesCode: null, version: 2 });

    const unchanged = await t
      .http()
      .patch(`/api/organisations/${council.id}`)
      .set('Authorization', admin)
      .send({ name: 'Kommunfullmäktige' });
    expect(unchanged.body.version).toBe(2);

    const badId = await t
      .http()
      .patch('/api/organisations/abc')
      .set('Authorization', admin)
      .send({});
    expect(badId.status).toBe(400);
    expect(badId.body.details).toEqual([
      { field: 'id', messages: ['id must be a positive whole number'] },
    ]);

    const stale = await t
      .http()
      .patch(`/api/organisations/${council.id}`)
      .set('Authorization', admin)
      .set('If-Match', '"1"')
      .send({ name: 'Fullmäktige' });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('version_mismatch');
    const fetched = await t
      .http()
      .get(`/api/organisations/${council.id}`)
      .set('Authorization', admin);
    expect(fetched.body.name).toBe('Kommunfullmäktige');

    const audit = await t
      .http()
      .get(`/api/audit?entity=organisation&entityId=${council.id}`)
      .set('Authorization', admin);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      'organisation.updated',
      'organisation.created',
    ]);
    expect(audit.body.items[0].before).toMatchObject({ email: null, seriesCode: 'KF', version: 1 });
    expect(audit.body.items[0].after).toMatchObject({
      email: 'kf@exempel.se',
      seriesCode: null,
      version: 2,
    });
  });

  it('keeps the hierarchy acyclic and refuses an unknown parent', async () => {
    const board = await createOrganisation(t, admin, {
      name: 'Tekniska nämnden',
      kind: 'committee',
    });
    const unit = await createOrganisation(t, admin, {
      name: 'Tekniska nämndens arbetsutskott',
      kind: 'committee',
      parentId: board.id,
    });
    const cycle = await t
      .http()
      .patch(`/api/organisations/${board.id}`)
      .set('Authorization', admin)
      .send({ parentId: unit.id });
    expect(cycle.status).toBe(400);
    expect(cycle.body.details).toEqual([
      { field: 'parentId', messages: ['parentId would make the organisation its own ancestor'] },
    ]);
    const orphan = await t
      .http()
      .post('/api/organisations')
      .set('Authorization', admin)
      .send({ name: 'Okänd', kind: 'external', parentId: 99999 });
    expect(orphan.status).toBe(400);
    expect(orphan.body.details[0].field).toBe('parentId');
  });

  it('lets every role read the directory but only admins change it', async () => {
    const reader = await createUser(t, admin, ['reader']);
    const registrar = await createUser(t, admin, ['registrar']);
    expect(
      (await t.http().get('/api/organisations').set('Authorization', reader.auth)).status,
    ).toBe(200);
    const create = await t
      .http()
      .post('/api/organisations')
      .set('Authorization', registrar.auth)
      .send({ name: 'Kulturnämnden', kind: 'committee' });
    expect(create.status).toBe(403);
    expect((await t.http().get('/api/organisations')).status).toBe(401);
    expect(
      (await t.http().get('/api/organisations/99999').set('Authorization', reader.auth)).status,
    ).toBe(404);

    // The audit log is for admins and readers (auditors), not for registrars.
    expect((await t.http().get('/api/audit').set('Authorization', reader.auth)).status).toBe(200);
    expect((await t.http().get('/api/audit').set('Authorization', registrar.auth)).status).toBe(
      403,
    );
  });

  it('keeps the audit log append-only in the database itself', async () => {
    await expect(t.sql('UPDATE audit_event SET action = ?', ['tampered'])).rejects.toThrow(
      'audit_event is append-only',
    );
    await expect(t.sql('DELETE FROM audit_event')).rejects.toThrow('audit_event is append-only');
    const tampered = await t.sql("SELECT id FROM audit_event WHERE action = 'tampered'");
    expect(tampered).toHaveLength(0);
  });

  it('pages the audit log newest first', async () => {
    const first = await t.http().get('/api/audit?limit=2').set('Authorization', admin);
    const second = await t
      .http()
      .get(`/api/audit?limit=2&cursor=${first.body.nextCursor}`)
      .set('Authorization', admin);
    const ids = [...first.body.items, ...second.body.items].map((e: { id: string }) =>
      Number(e.id),
    );
    expect(ids).toHaveLength(4);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
  });
});
