import { binary, pageText } from './helpers/docx-text.js';
import type { TestUser } from './helpers/factories.js';
import { buildSecretCase, leaksIn, SECRETS, type SecretCase } from './helpers/secret-case.js';
import { SmtpSink } from './helpers/smtp-sink.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { signInAgent, type Agent } from './helpers/web-agent.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

type Fill = Record<string, number | string>;

/** Routes that are not staff pages: the API (walked by secrecy-walk), links, sign-in, assets. */
const NOT_PAGES = /^\/(api|respond|login|logout|health|assets|metrics)(\/|$)/;

/**
 * The staff pages' twin of the API's secrecy walk: every GET page route the app serves, with the
 * ids of a confidential case and all its children, requested with a signed-in session by users
 * who may not read the case. No secret may show in any page or download. A new page route with
 * path parameters fails the walk until it is taught here.
 */
describe('secrecy: every staff page', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let secret: SecretCase;
  let routes: string[];

  const fills = (s: SecretCase): Record<string, Fill[]> => {
    const documents = [
      s.documentId,
      s.markedDocumentId,
      s.extractDocumentId,
      s.compilationDocumentId,
      ...s.answerDocumentIds,
    ];
    const cases = [s.caseId, s.openCaseId, s.consulteeCaseId];
    const recipients = [s.recipients.sfn, s.recipients.harbour];
    const meeting = { id: s.meetingId, itemId: s.itemId };
    return {
      '/cases/:id': cases.map((id) => ({ id })),
      '/cases/:id/documents/:documentId/content': documents.flatMap((documentId) =>
        cases.map((id) => ({ id, documentId })),
      ),
      '/cases/:caseId/rounds/new': cases.map((caseId) => ({ caseId })),
      '/cases/:caseId/rounds/:roundId/send': [{ caseId: s.caseId, roundId: s.roundId }],
      '/rounds/:id': [{ id: s.roundId }, { id: s.openRoundId }],
      '/rounds/:id/compilation.docx': [{ id: s.roundId }],
      '/rounds/:id/recipients/:recipientId': recipients.map((recipientId) => ({
        id: s.roundId,
        recipientId,
      })),
      '/rounds/:id/recipients/:recipientId/extension': recipients.map((recipientId) => ({
        id: s.roundId,
        recipientId,
      })),
      '/rounds/:id/recipients/:recipientId/answer': recipients.map((recipientId) => ({
        id: s.roundId,
        recipientId,
      })),
      '/inbox/:recipientId': recipients.map((recipientId) => ({ recipientId })),
      '/inbox/:recipientId/memo.docx': recipients.map((recipientId) => ({ recipientId })),
      '/inbox/:recipientId/responses/:responseId': recipients.flatMap((recipientId) =>
        s.responseIds.map((responseId) => ({ recipientId, responseId })),
      ),
      '/inbox/:recipientId/documents/:documentId': recipients.flatMap((recipientId) =>
        documents.map((documentId) => ({ recipientId, documentId })),
      ),
      '/meetings/:id': [{ id: s.meetingId }],
      '/meetings/:id/protocol.docx': [{ id: s.meetingId }],
      '/meetings/:id/items/new': [{ id: s.meetingId }],
      '/meetings/:id/items/:itemId': [meeting],
      '/meetings/:id/items/:itemId/edit': [meeting],
      '/meetings/:id/items/:itemId/extract.docx': [meeting],
      '/admin/organisations/:id': Object.values(s.organisations).map((id) => ({ id })),
      '/admin/users/:id': [{ id: s.consultee.id }],
      // No export exists in the walk: the pages answer 404 or 403 without saying more.
      '/archive/:id': [{ id: 1 }],
      '/archive/:id/package': [{ id: 1 }],
    };
  };

  /** Query strings for list pages: searches for the secrets and filters on the case. */
  const queries = (s: SecretCase): Record<string, string[]> => ({
    '/cases': ['', '?q=Karlsson', '?q=Polisen', `?q=${encodeURIComponent(s.caseNumber)}`],
    '/rounds': ['', '?status=closed'],
    '/admin/audit': [
      '',
      `?entity=case&entityId=${s.caseId}`,
      `?entity=document&entityId=${s.documentId}`,
      `?entity=meeting_item&entityId=${s.itemId}`,
    ],
  });

  /** Every GET route of the Express app that is a staff page, as Express writes it. */
  const pageRoutes = (): string[] => {
    const express = t.app.getHttpAdapter().getInstance() as {
      router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
    };
    const paths = express.router.stack
      .filter((layer) => layer.route?.methods.get)
      .map((layer) => layer.route!.path)
      .filter((path) => path.startsWith('/') && !NOT_PAGES.test(path));
    return [...new Set(paths)].sort();
  };

  const requestsFor = (route: string): string[] => {
    const names = [...route.matchAll(/:(\w+)/g)].map((match) => match[1]);
    const rows: Fill[] = names.length === 0 ? [{}] : (fills(secret)[route] ?? []);
    const paths = rows.map((row) =>
      route.replace(/:(\w+)/g, (_whole, name: string) => String(row[name])),
    );
    return paths.flatMap((path) => (queries(secret)[route] ?? ['']).map((query) => path + query));
  };

  /** A search page repeats the user's own words (in its field and its links): not a leak. */
  const withoutOwnSearch = (path: string, text: string): string => {
    const q = new URL(path, 'http://pages').searchParams.get('q');
    if (!q) return text;
    return text
      .replaceAll(`value="${q}"`, 'value=""')
      .replaceAll(`q=${encodeURIComponent(q)}`, 'q=');
  };

  const agents = new Map<string, Agent>();
  const as = async (user: TestUser): Promise<Agent> => {
    const known = agents.get(user.email);
    if (known) return known;
    const agent = await signInAgent(t, user.email, user.password);
    agents.set(user.email, agent);
    return agent;
  };

  const walkAll = async (user: TestUser) => {
    const agent = await as(user);
    const results: { path: string; status: number; text: string }[] = [];
    for (const route of routes) {
      for (const path of requestsFor(route)) {
        const response = await agent.get(path).buffer(true).parse(binary);
        const bytes = response.body as Buffer;
        const text = response.headers['content-type']?.startsWith(DOCX)
          ? await pageText(bytes)
          : bytes.toString('utf8');
        results.push({ path, status: response.status, text: withoutOwnSearch(path, text) });
      }
    }
    return results;
  };

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({
      SMTP_URL: sink.url,
      LOGIN_RATE_LIMIT: '100',
      LOGIN_ADDRESS_RATE_LIMIT: '1000',
      LOGIN_ACCOUNT_RATE_LIMIT: '1000',
    });
    secret = await buildSecretCase(t, sink);
    routes = pageRoutes();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('knows how to fill every page route the app serves', () => {
    const unfilled = routes.filter(
      (route) => /:\w+/.test(route) && fills(secret)[route] === undefined,
    );
    expect(unfilled).toEqual([]);
    // The pages the walk must at least cover, so a renamed route cannot drop out unnoticed.
    expect(routes).toEqual(
      expect.arrayContaining([
        '/',
        '/cases',
        '/cases/:id',
        '/rounds',
        '/rounds/:id',
        '/inbox',
        '/inbox/:recipientId',
        '/meetings',
        '/meetings/:id',
        '/meetings/:id/items/:itemId',
        '/meetings/:id/items/:itemId/extract.docx',
        '/inbox/:recipientId/memo.docx',
        '/admin/organisations',
        '/admin/users',
        '/admin/audit',
      ]),
    );
  });

  it('shows the registrar the secrets, so the walk reaches them', async () => {
    const everything = (await walkAll(secret.registrar)).map((result) => result.text).join('\n');
    // The pages the registrar has: the case, its documents, the round and its answers.
    const expected = [
      'caseTitle',
      'documentTitle',
      'markedTitle',
      'roundTitle',
      'accountSummary',
      'linkComment',
    ] as const;
    expect(expected.filter((name) => !everything.includes(SECRETS[name]))).toEqual([]);
  }, 240_000);

  it('shows the clerk who kept the minutes the paragraph, so the walk reaches it', async () => {
    const everything = (await walkAll(secret.clerk)).map((result) => result.text).join('\n');
    expect(everything).toContain(SECRETS.itemTitle);
    expect(everything).toContain(SECRETS.itemDecision);
  }, 240_000);

  it("gives a respondent to whom nothing was sent an empty inbox, not the others' remisser", async () => {
    const inbox = await (await as(secret.otherRespondent)).get('/inbox').expect(200);
    expect(inbox.text).toContain('<p class="ds-paragraph">Inga remisser.</p>');
    expect(inbox.text).not.toContain('href="/inbox/');
  });

  it.each([
    ['a reader', (s: SecretCase) => s.reader],
    ["another organisation's clerk", (s: SecretCase) => s.otherClerk],
    ["another organisation's respondent", (s: SecretCase) => s.otherRespondent],
    ["the consultee's clerk", (s: SecretCase) => s.consulteeClerk],
  ])(
    'shows %s no secret on any page',
    async (_who, user) => {
      const results = await walkAll(user(secret));
      expect(leaksIn(results)).toEqual([]);
      // Refusals are 4xx (or a redirect), never a failure.
      expect(results.filter((result) => result.status >= 500).map((result) => result.path)).toEqual(
        [],
      );
    },
    240_000,
  );
});
