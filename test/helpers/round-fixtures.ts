import { adminAuth, createOrganisation, createUser, TestUser } from './factories.js';
import { pdf } from './files.js';
import { stockholmDay } from './test-clock.js';
import type { TestApp } from './test-app.js';

export interface RoundFixture {
  admin: string;
  registrar: TestUser;
  owner: { id: number };
  committees: { id: number; name: string; email: string }[];
  caseId: number;
  caseNumber: string;
  draftId: number;
  draftBytes: Buffer;
}

export { stockholmDay } from './test-clock.js';

/**
 * Kommunstyrelsen (series KS) with a registrar, `committees` committees with mailboxes, and a
 * case with its draft registered as a PDF document: what a round is made from.
 */
export async function caseWithDraft(t: TestApp, committees: number): Promise<RoundFixture> {
  const admin = await adminAuth(t);
  const owner = await createOrganisation(t, admin, {
    name: 'Kommunstyrelsen',
    kind: 'council',
    seriesCode: 'KS',
    email: 'kommunstyrelsen@kalmar.test',
  });
  const created: RoundFixture['committees'] = [];
  for (let index = 1; index <= committees; index += 1) {
    const name = `Nämnd ${index}`;
    const email = `namnd${index}@kalmar.test`;
    const { id } = await createOrganisation(t, admin, { name, kind: 'committee', email });
    created.push({ id, name, email });
  }
  const registrar = await createUser(t, admin, ['registrar'], [owner.id]);
  const registered = await t
    .http()
    .post('/api/cases')
    .set('Authorization', registrar.auth)
    .send({ title: 'Strategi för etnisk och kulturell inkludering', organisationId: owner.id });
  const draftBytes = pdf('Förslag till strategi för etnisk och kulturell inkludering');
  const draft = await t
    .http()
    .post(`/api/cases/${registered.body.id}/documents`)
    .set('Authorization', registrar.auth)
    .field('title', 'Förslag till strategi')
    .field('direction', 'outgoing')
    .attach('file', draftBytes, { filename: 'Förslag till strategi.pdf' });
  return {
    admin,
    registrar,
    owner,
    committees: created,
    caseId: registered.body.id,
    caseNumber: registered.body.caseNumber,
    draftId: draft.body.id,
    draftBytes,
  };
}

/** Creates a draft round on the fixture's case and sends it; returns the round id. */
export async function sendRound(
  t: TestApp,
  fixture: RoundFixture,
  body: Record<string, unknown>,
): Promise<{ id: number; sent: { status: number; body: Record<string, unknown> } }> {
  const created = await t
    .http()
    .post(`/api/cases/${fixture.caseId}/rounds`)
    .set('Authorization', fixture.registrar.auth)
    .send({ deadline: stockholmDay(30), documentIds: [fixture.draftId], ...body });
  if (created.status !== 201) {
    throw new Error(`creating round failed: ${created.status} ${JSON.stringify(created.body)}`);
  }
  const sent = await t
    .http()
    .post(`/api/rounds/${created.body.id}/send`)
    .set('Authorization', fixture.registrar.auth);
  return { id: created.body.id as number, sent };
}
