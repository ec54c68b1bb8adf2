import { pdf } from './helpers/files.js';
import { caseWithDraft, type RoundFixture } from './helpers/round-fixtures.js';
import { startTestApp, TestApp } from './helpers/test-app.js';
import { stockholmDay } from './helpers/test-clock.js';

/** Every table a write route may add to or change; none of them may move on a refused request. */
const TABLES = [
  'case_record',
  'document',
  'organisation',
  'user',
  'referral_round',
  'referral_round_document',
  'referral_round_recipient',
  'referral_round_extension',
  'referral_round_response',
  'referral_round_comment',
  'meeting',
  'meeting_item',
  'meeting_item_dispatch',
  'paragraph_sequence',
  'mail_outbox',
];
const CHANGED_IN_PLACE = [
  'case_record',
  'referral_round',
  'referral_round_recipient',
  'meeting',
  'meeting_item',
  'organisation',
];

interface Route {
  name: string;
  method: 'post' | 'put';
  path: () => string;
  auth: () => string | null;
  /** A body every rule accepts: leaving out one field at a time leaves exactly one problem. */
  body: () => Record<string, unknown>;
  /** Required fields, nested ones by their path ("sections.0.ref"). */
  required: string[];
}

/** A copy of `body` with the field at `path` removed, or set to null. */
function without(body: Record<string, unknown>, path: string, replace: 'absent' | 'null') {
  const copy = structuredClone(body);
  const keys = path.split('.');
  const last = keys.pop()!;
  const holder = keys.reduce<Record<string, unknown>>(
    (node, key) => node[key] as Record<string, unknown>,
    copy,
  );
  if (replace === 'absent') delete holder[last];
  else holder[last] = null;
  return copy;
}

/**
 * A required field left out (or sent as null) is refused with the one message "<field> is required",
 * whatever its type, on every write route, and nothing is written.
 */
describe('missing required fields', () => {
  let t: TestApp;
  let fixture: RoundFixture;
  let roundId: number;
  let recipientId: number;
  let meetingId: number;
  let itemId: number;
  let otherItemId: number;

  const snapshot = async () => {
    const counts: Record<string, number> = {};
    for (const table of TABLES) {
      counts[table] = Number(
        (await t.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${table}\``))[0].n,
      );
    }
    // Rows a refused request could otherwise change in place (a status, a deadline, a version).
    const rows: Record<string, unknown[]> = {};
    for (const table of CHANGED_IN_PLACE) {
      rows[table] = await t.sql(`SELECT * FROM \`${table}\` ORDER BY id`);
    }
    return { counts, rows };
  };

  const routes: Route[] = [
    {
      name: 'register a case',
      method: 'post',
      path: () => '/api/cases',
      auth: () => fixture.registrar.auth,
      body: () => ({ title: 'Ny detaljplan', organisationId: fixture.owner.id }),
      required: ['title', 'organisationId'],
    },
    {
      name: 'close a case',
      method: 'post',
      path: () => `/api/cases/${fixture.caseId}/close`,
      auth: () => fixture.registrar.auth,
      body: () => ({ reason: 'Ärendet är avslutat' }),
      required: ['reason'],
    },
    {
      name: 'reopen a case',
      method: 'post',
      path: () => `/api/cases/${fixture.caseId}/reopen`,
      auth: () => fixture.registrar.auth,
      body: () => ({ reason: 'Nya uppgifter' }),
      required: ['reason'],
    },
    {
      name: 'create a round',
      method: 'post',
      path: () => `/api/cases/${fixture.caseId}/rounds`,
      auth: () => fixture.registrar.auth,
      body: () => ({
        title: 'Remiss',
        deadline: stockholmDay(30),
        documentIds: [fixture.draftId],
        recipientOrganisationIds: [fixture.committees[0].id],
        sections: [{ ref: '1', title: 'Inledning' }],
        reminders: { daysBefore: [3], overdueDaysAfter: [1] },
      }),
      required: [
        'title',
        'deadline',
        'documentIds',
        'sections.0.ref',
        'sections.0.title',
        'reminders.daysBefore',
        'reminders.overdueDaysAfter',
      ],
    },
    {
      name: 'close a round',
      method: 'post',
      path: () => `/api/rounds/${roundId}/close`,
      auth: () => fixture.registrar.auth,
      body: () => ({ reason: 'Remisstiden är slut' }),
      required: ['reason'],
    },
    {
      name: 'grant an extension',
      method: 'post',
      path: () => `/api/rounds/${roundId}/recipients/${recipientId}/extension`,
      auth: () => fixture.registrar.auth,
      body: () => ({ deadline: stockholmDay(40), reason: 'Nämnden sammanträder sent' }),
      required: ['deadline', 'reason'],
    },
    {
      name: 'answer for an organisation',
      method: 'post',
      path: () => `/api/rounds/${roundId}/responses`,
      auth: () => fixture.registrar.auth,
      body: () => ({
        organisationId: fixture.committees[0].id,
        position: 'approve_with_comments',
        comments: [{ sectionRef: '1', text: 'Bra förslag' }],
      }),
      required: ['organisationId', 'position', 'comments.0.sectionRef', 'comments.0.text'],
    },
    {
      name: 'answer through a link',
      method: 'post',
      // The body is checked before the link is looked up.
      path: () => '/api/respond/unknown-link-token',
      auth: () => null,
      body: () => ({ position: 'approve' }),
      required: ['position'],
    },
    {
      name: 'plan a meeting',
      method: 'post',
      path: () => '/api/meetings',
      auth: () => fixture.admin,
      body: () => ({ organisationId: fixture.owner.id, date: stockholmDay(20) }),
      required: ['organisationId', 'date'],
    },
    {
      name: 'post a notice',
      method: 'post',
      path: () => `/api/meetings/${meetingId}/notice`,
      auth: () => fixture.admin,
      body: () => ({ postedOn: stockholmDay(21) }),
      required: ['postedOn'],
    },
    {
      name: 'add a § to a meeting',
      method: 'post',
      path: () => `/api/meetings/${meetingId}/items`,
      auth: () => fixture.admin,
      body: () => ({ title: 'Riktlinjer', decision: 'Kommunstyrelsen beslutar' }),
      required: ['title', 'decision'],
    },
    {
      name: 'reorder the §§',
      method: 'put',
      path: () => `/api/meetings/${meetingId}/items/order`,
      auth: () => fixture.admin,
      body: () => ({ itemIds: [otherItemId, itemId] }),
      required: ['itemIds'],
    },
    {
      name: 'dispatch an extract',
      method: 'post',
      path: () => `/api/meetings/${meetingId}/items/${itemId}/dispatch`,
      auth: () => fixture.admin,
      body: () => ({ organisationIds: [fixture.committees[0].id] }),
      required: ['organisationIds'],
    },
    {
      name: 'set the paragraph sequence',
      method: 'put',
      path: () => `/api/organisations/${fixture.owner.id}/paragraph-sequence`,
      auth: () => fixture.admin,
      body: () => ({ year: 2026, next: 40 }),
      required: ['next'],
    },
    {
      name: 'add an organisation',
      method: 'post',
      path: () => '/api/organisations',
      auth: () => fixture.admin,
      body: () => ({ name: 'Ny nämnd', kind: 'committee' }),
      required: ['name', 'kind'],
    },
    {
      name: 'add a user',
      method: 'post',
      path: () => '/api/users',
      auth: () => fixture.admin,
      body: () => ({
        name: 'Ny Användare',
        email: 'ny@test.exempel.se',
        password: 'a-long-test-password',
        roles: ['clerk'],
        organisationIds: [fixture.owner.id],
      }),
      required: ['name', 'email', 'password', 'roles', 'organisationIds'],
    },
    {
      name: 'log in',
      method: 'post',
      path: () => '/api/auth/login',
      auth: () => null,
      body: () => ({ email: 'nobody@test.exempel.se', password: 'a-long-test-password' }),
      required: ['email', 'password'],
    },
  ];

  beforeAll(async () => {
    t = await startTestApp();
    fixture = await caseWithDraft(t, 1);
    const round = await t
      .http()
      .post(`/api/cases/${fixture.caseId}/rounds`)
      .set('Authorization', fixture.registrar.auth)
      .send({
        title: 'Remiss',
        deadline: stockholmDay(30),
        documentIds: [fixture.draftId],
        recipientOrganisationIds: [fixture.committees[0].id],
        sections: [{ ref: '1', title: 'Inledning' }],
      });
    expect(round.status).toBe(201);
    roundId = round.body.id;
    recipientId = round.body.recipients[0].id;
    const meeting = await t
      .http()
      .post('/api/meetings')
      .set('Authorization', fixture.admin)
      .send({ organisationId: fixture.owner.id, date: stockholmDay(20) });
    expect(meeting.status).toBe(201);
    meetingId = meeting.body.id;
    const items = [];
    for (const title of ['Första', 'Andra']) {
      const item = await t
        .http()
        .post(`/api/meetings/${meetingId}/items`)
        .set('Authorization', fixture.admin)
        .send({ title, decision: 'Beslut' });
      expect(item.status).toBe(201);
      items.push(item.body.id as number);
    }
    [itemId, otherItemId] = items;
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(routes.map((route) => [route.name, route] as const))(
    '%s: each required field, left out or null, gets only "<field> is required"',
    async (_name, route) => {
      const before = await snapshot();
      for (const field of route.required) {
        for (const replace of ['absent', 'null'] as const) {
          let request = t.http()[route.method](route.path());
          const auth = route.auth();
          if (auth) request = request.set('Authorization', auth);
          const response = await request.send(without(route.body(), field, replace));
          expect({ field, replace, status: response.status, body: response.body }).toEqual({
            field,
            replace,
            status: 400,
            body: expect.objectContaining({
              code: 'validation_failed',
              details: [{ field, messages: [`${field} is required`] }],
            }),
          });
        }
      }
      expect(await snapshot()).toEqual(before);
    },
  );

  it('register a document: a missing title, direction or file gets only "<field> is required"', async () => {
    const before = await snapshot();
    const fields: Record<string, string> = { title: 'Yttrande', direction: 'incoming' };
    for (const left of [...Object.keys(fields), 'file']) {
      let request = t
        .http()
        .post(`/api/cases/${fixture.caseId}/documents`)
        .set('Authorization', fixture.registrar.auth);
      for (const [key, value] of Object.entries(fields)) {
        if (key !== left) request = request.field(key, value);
      }
      if (left !== 'file') {
        request = request.attach('file', pdf('Yttrande'), { filename: 'Yttrande.pdf' });
      }
      const response = await request;
      expect({ left, status: response.status, details: response.body.details }).toEqual({
        left,
        status: 400,
        details: [{ field: left, messages: [`${left} is required`] }],
      });
    }
    expect(await snapshot()).toEqual(before);
  });

  it('does not call an optional field required: null empties it, and a blank optional text is refused as empty', async () => {
    const cleared = await t
      .http()
      .patch(`/api/cases/${fixture.caseId}`)
      .set('Authorization', fixture.registrar.auth)
      .send({ description: null, officerId: null });
    expect(cleared.status).toBe(200);
    const blank = await t
      .http()
      .patch(`/api/cases/${fixture.caseId}`)
      .set('Authorization', fixture.registrar.auth)
      .send({ title: null });
    expect(blank.status).toBe(400);
    expect(blank.body.details).toEqual([{ field: 'title', messages: ['title must not be empty'] }]);
  });
});
