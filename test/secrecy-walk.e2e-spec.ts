import { binary, pageText } from './helpers/docx-text.js';
import type { TestUser } from './helpers/factories.js';
import { buildSecretCase, leaksIn, SECRETS, type SecretCase } from './helpers/secret-case.js';
import { SmtpSink } from './helpers/smtp-sink.js';
import { startTestApp, TestApp } from './helpers/test-app.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

type Fill = Record<string, number | string>;

/** HTML pages kept out of the API document, walked as well. */
const PAGES = ['/respond/{token}'];

/**
 * Walks every GET route of the OpenAPI document the app serves, with the ids of a confidential
 * case and all its children, as users who may not read it: none of its secrets may show in any
 * body. A new GET route with path parameters fails the walk until it is taught here.
 */
describe('secrecy: every GET route', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let secret: SecretCase;
  let routes: string[];

  /** The values each parameterised route is walked with; several rows walk it several times. */
  const fills = (s: SecretCase): Record<string, Fill[]> => {
    const documents = [
      s.documentId,
      s.markedDocumentId,
      s.extractDocumentId,
      s.compilationDocumentId,
      ...s.answerDocumentIds,
    ];
    const cases = [s.caseId, s.openCaseId, s.consulteeCaseId];
    return {
      '/api/cases/{id}': cases.map((id) => ({ id })),
      '/api/cases/{caseId}/documents': cases.map((caseId) => ({ caseId })),
      '/api/cases/{caseId}/rounds': cases.map((caseId) => ({ caseId })),
      '/api/cases/{caseId}/history': cases.map((caseId) => ({ caseId })),
      '/api/documents/{id}': documents.map((id) => ({ id })),
      '/api/documents/{id}/content': documents.map((id) => ({ id })),
      '/api/rounds/{id}': [{ id: s.roundId }],
      '/api/rounds/{id}/responses': [{ id: s.roundId }],
      '/api/rounds/{id}/sections': [{ id: s.roundId }],
      '/api/rounds/{id}/compilation.docx': [{ id: s.roundId }],
      '/api/rounds/{id}/reminders': [{ id: s.roundId }],
      '/api/inbox/{recipientId}/memo.docx': [
        { recipientId: s.recipients.sfn },
        { recipientId: s.recipients.harbour },
      ],
      '/api/meetings/{id}': [{ id: s.meetingId }],
      '/api/meetings/{id}/protocol.docx': [{ id: s.meetingId }],
      '/api/meetings/{id}/items/{itemId}': [{ id: s.meetingId, itemId: s.itemId }],
      '/api/meetings/{id}/items/{itemId}/extract.docx': [{ id: s.meetingId, itemId: s.itemId }],
      '/api/organisations/{id}': Object.values(s.organisations).map((id) => ({ id })),
      '/api/users/{id}': [{ id: s.consultee.id }],
      // No export exists in the walk: the routes answer 404 or 403 without saying more.
      '/api/archive/exports/{id}': [{ id: 1 }],
      '/api/archive/exports/{id}/package': [{ id: 1 }],
      // The link routes belong to whoever holds a link: here the company's link to another round,
      // which must not open the confidential round's document.
      '/api/respond/{token}': [{ token: s.openToken }],
      '/respond/{token}': [{ token: s.openToken }],
      '/api/respond/{token}/documents/{documentId}': documents.map((documentId) => ({
        token: s.openToken,
        documentId,
      })),
    };
  };

  /** Extra query strings for list routes: searches for the secrets, and filters on the case. */
  const queries = (s: SecretCase): Record<string, string[]> => ({
    '/api/cases': ['', '?q=Karlsson', '?q=Polisen', `?q=${encodeURIComponent(s.caseNumber)}`],
    '/api/rounds': ['', `?caseId=${s.caseId}`],
    '/api/audit': [
      '',
      `?entity=case&entityId=${s.caseId}`,
      `?entity=document&entityId=${s.documentId}`,
      `?entity=document&entityId=${s.markedDocumentId}`,
      `?entity=referral_round&entityId=${s.roundId}`,
      `?entity=meeting_item&entityId=${s.itemId}`,
    ],
  });

  /** Every path the walk requests for one route, parameters filled in. */
  const requestsFor = (route: string): string[] => {
    const names = [...route.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
    const rows: Fill[] = names.length === 0 ? [{}] : (fills(secret)[route] ?? []);
    const paths = rows.map((row) =>
      route.replace(/\{(\w+)\}/g, (_whole, name: string) => String(row[name])),
    );
    return paths.flatMap((path) => (queries(secret)[route] ?? ['']).map((query) => path + query));
  };

  /** The body as text: .docx through its words (headers included), everything else as it came. */
  const bodyText = async (response: { headers: Record<string, string>; body: unknown }) => {
    const bytes = response.body as Buffer;
    if (response.headers['content-type']?.startsWith(DOCX)) return pageText(bytes);
    return bytes.toString('utf8');
  };

  /** Follows `nextCursor` so a paged list is read to its end. */
  const walk = async (user: TestUser | { auth: string }, path: string) => {
    const texts: { path: string; status: number; text: string }[] = [];
    let next: string | null = path;
    for (let page = 0; next !== null && page < 100; page += 1) {
      const response: { status: number; headers: Record<string, string>; body: unknown } = await t
        .http()
        .get(next)
        .set('Authorization', user.auth)
        .buffer(true)
        .parse(binary);
      const text = await bodyText(response);
      texts.push({ path: next, status: response.status, text });
      const cursor: string | null | undefined = response.headers['content-type']?.startsWith(
        'application/json',
      )
        ? (JSON.parse(text) as { nextCursor?: string | null }).nextCursor
        : null;
      next = cursor
        ? `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`
        : null;
    }
    return texts;
  };

  const walkAll = async (user: TestUser | { auth: string }) => {
    const results: { path: string; status: number; text: string }[] = [];
    for (const route of routes) {
      for (const path of requestsFor(route)) results.push(...(await walk(user, path)));
    }
    return results;
  };

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, PUBLIC_URL: 'https://remiss.kalmar.test' });
    secret = await buildSecretCase(t, sink);
    const document = await t.http().get('/api/docs-json');
    expect(document.status).toBe(200);
    const paths = document.body.paths as Record<string, Record<string, unknown>>;
    routes = [...Object.keys(paths).filter((path) => paths[path].get !== undefined), ...PAGES];
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('knows how to fill every GET route the app serves', () => {
    const unfilled = routes.filter(
      (route) => /\{\w+\}/.test(route) && fills(secret)[route] === undefined,
    );
    expect(unfilled).toEqual([]);
    // The routes the walk must at least cover, so a renamed route cannot drop out unnoticed.
    expect(routes.sort()).toEqual(expect.arrayContaining(Object.keys(fills(secret)).sort()));
    expect(routes).toEqual(expect.arrayContaining(['/api/audit', '/api/cases', '/api/inbox']));
  });

  it('shows the registrar every secret, so the walk reaches them all', async () => {
    const everything = (await walkAll(secret.registrar)).map((result) => result.text).join('\n');
    const missing = Object.entries(SECRETS)
      .filter(([, text]) => !everything.includes(text))
      .map(([name]) => name);
    expect(missing).toEqual([]);
  }, 240_000);

  it.each([
    ['a reader', (s: SecretCase) => s.reader],
    ["another organisation's clerk", (s: SecretCase) => s.otherClerk],
    ["another organisation's respondent", (s: SecretCase) => s.otherRespondent],
    ["the consultee's clerk", (s: SecretCase) => s.consulteeClerk],
  ])(
    'shows %s no secret on any route',
    async (_who, user) => {
      const results = await walkAll(user(secret));
      expect(leaksIn(results)).toEqual([]);
      // Nothing fails on the way: refusals are 4xx, never 5xx.
      expect(results.filter((result) => result.status >= 500).map((result) => result.path)).toEqual(
        [],
      );
    },
    240_000,
  );
});
