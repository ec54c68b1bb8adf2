import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DataSource, type QueryRunner } from 'typeorm';
import { MailQueue } from '../src/mail/mail-queue.js';
import { createOrganisation } from './helpers/factories.js';
import { caseWithDraft, sendRound, type RoundFixture } from './helpers/round-fixtures.js';
import { SmtpSink, waitFor } from './helpers/smtp-sink.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

const LINK = /\/respond\/([A-Za-z0-9_-]{43})/;

/**
 * A statement in short form: `START TRANSACTION` and `COMMIT` as they are, anything else as its
 * verb and the table it reads or writes (the first one named outside parentheses, so not that of
 * a subquery), with `FOR UPDATE` when it locks: `SELECT referral_round_recipient FOR UPDATE`.
 */
function shortForm(sql: string): string {
  let text = sql.replace(/\s+/g, ' ').trim();
  const verb = text.split(' ')[0].toUpperCase();
  if (!['SELECT', 'INSERT', 'UPDATE', 'DELETE'].includes(verb)) return text;
  for (let inner = text; ; text = inner) {
    inner = text.replace(/\([^()]*\)/g, '');
    if (inner === text) break;
  }
  const table = /\b(?:FROM|INTO|UPDATE)\s+`?(\w+)`?/i.exec(text)?.[1] ?? '?';
  return `${verb} ${table}${/\bFOR UPDATE$/i.test(text) ? ' FOR UPDATE' : ''}`;
}

/**
 * Counts the SQL statements one answer through a secure link sends to MariaDB. Counted is every
 * statement the app's DataSource runs (TypeORM logs each one before it goes to mysql2, including
 * START TRANSACTION and COMMIT) while handling the request, and after it the work the request
 * left running: handing the committed receipt to the mail queue. Statements of other work (the
 * outbox relay, the mail worker, the test's own reads) are not counted: only those made in the
 * request's asynchronous context are.
 *
 * The numbers are exact on purpose, so a statement added to the answer path fails this test.
 */
describe('statements of an answer through a link', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let fixture: RoundFixture;
  let outside: { id: number; email: string };
  let consultee: { id: number; email: string };
  const request = new AsyncLocalStorage<string[]>();
  const handedOver: Promise<unknown>[] = [];
  /** Where the statements of the request being made go. */
  let collecting: string[] | undefined;

  const tokenFor = (address: string) =>
    LINK.exec(
      sink.mails.find((mail) => mail.to === address && mail.subject.startsWith('Remiss:'))!.text,
    )![1];

  /** Posts one answer and returns its status and the short forms of its statements. */
  const answer = async (
    token: string,
    body: Record<string, unknown>,
  ): Promise<{ status: number; id: number; statements: string[] }> => {
    const statements: string[] = [];
    collecting = statements;
    handedOver.length = 0;
    const response = await t.http().post(`/api/respond/${token}`).send(body);
    collecting = undefined;
    await Promise.all(handedOver);
    return { status: response.status, id: response.body.id, statements: statements.map(shortForm) };
  };

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url });
    fixture = await caseWithDraft(t, 0);
    const external = await createOrganisation(t, fixture.admin, {
      name: 'Pensionärsrådet',
      kind: 'external',
      email: 'pensionarsradet@kalmar.test',
    });
    outside = { id: external.id, email: 'pensionarsradet@kalmar.test' };
    // A committee with a series of its own gets the remiss registered as a case of its own.
    const committee = await createOrganisation(t, fixture.admin, {
      name: 'Servicenämnden',
      kind: 'committee',
      seriesCode: 'SFN',
      email: 'servicenamnden@kalmar.test',
    });
    consultee = { id: committee.id, email: 'servicenamnden@kalmar.test' };
    const { sent } = await sendRound(t, fixture, {
      title: 'Riktlinjer för mötesplatser',
      recipientOrganisationIds: [outside.id, consultee.id],
    });
    expect(sent.status).toBe(200);
    await waitFor(
      () => sink.mails.filter((mail) => mail.subject.startsWith('Remiss:')).length,
      (count) => count >= 2,
    );

    // The request being counted runs in an asynchronous context that carries its list, so
    // whatever it starts, and only that, adds its statements there.
    const server = t.app.getHttpServer();
    const handlers = server.listeners('request') as ((
      incoming: IncomingMessage,
      outgoing: ServerResponse,
    ) => void)[];
    server.removeAllListeners('request');
    server.on('request', (incoming: IncomingMessage, outgoing: ServerResponse) =>
      request.run(collecting ?? [], () => {
        for (const handler of handlers) handler.call(server, incoming, outgoing);
      }),
    );
    const logger = t.app.get(DataSource).logger;
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (query: string, parameters?: unknown[], runner?: QueryRunner) => {
      request.getStore()?.push(query);
      return logQuery(query, parameters, runner);
    };
    const queue = t.app.get(MailQueue);
    const enqueue = queue.enqueue.bind(queue);
    queue.enqueue = (...parameters: Parameters<MailQueue['enqueue']>) => {
      const handing = enqueue(...parameters);
      handedOver.push(handing);
      return handing;
    };
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  /** The link is resolved (its first use notes the remiss opened), the answer's context read. */
  const resolved = (firstUse: boolean) => [
    'SELECT referral_round_recipient',
    ...(firstUse ? ['UPDATE referral_round_recipient'] : []),
    'SELECT referral_round',
  ];
  /** The recipient locked, the round and the earlier answers read again under the lock. */
  const locked = [
    'START TRANSACTION',
    'SELECT referral_round_recipient FOR UPDATE',
    'SELECT referral_round',
  ];
  /** The answer, the recipient answered, the receipt, the audit rows; after COMMIT, queued. */
  const registered = [
    'INSERT referral_round_response',
    'UPDATE referral_round_recipient',
    'INSERT mail_outbox',
    'INSERT audit_event',
    'COMMIT',
    'UPDATE mail_outbox',
  ];
  const body = { position: 'approve', summary: 'Rådet tillstyrker riktlinjerna.' };
  let firstId: number;

  it('registers a first answer in 13 statements and queues its receipt with one more', async () => {
    const first = await answer(tokenFor(outside.email), body);
    expect(first.status).toBe(201);
    firstId = first.id;
    expect(first.statements).toEqual([
      ...resolved(true),
      ...locked,
      // The answer's PDF as a document of the round's case, numbered under the case row's lock.
      'UPDATE case_record',
      'INSERT document',
      ...registered,
    ]);
    expect(first.statements).toHaveLength(14);
  });

  it('answers an identical repeat with the first answer in 7 reads', async () => {
    const repeat = await answer(tokenFor(outside.email), body);
    expect(repeat.status).toBe(201);
    expect(repeat.id).toBe(firstId);
    expect(repeat.statements).toEqual([
      ...resolved(false),
      // The earlier answer as its DTO: its row, comments, further files, recipient, documents.
      'SELECT referral_round_response',
      'SELECT referral_round_comment',
      'SELECT referral_round_response_document',
      'SELECT referral_round_recipient',
      'SELECT document',
    ]);
  });

  it('registers the answer of a consultee with its own case in 15 statements and one more', async () => {
    const own = await answer(tokenFor(consultee.email), {
      position: 'approve_with_comments',
      summary: 'Nämnden tillstyrker med en synpunkt.',
    });
    expect(own.status).toBe(201);
    expect(own.statements).toEqual([
      ...resolved(true),
      ...locked,
      // The reply in the consultee's own case first, then the answer in the round's case.
      'UPDATE case_record',
      'INSERT document',
      'UPDATE case_record',
      'INSERT document',
      ...registered,
    ]);
    expect(own.statements).toHaveLength(16);
    // The receipts went out (the outbox rows were queued without being read back).
    await waitFor(
      () => sink.mails.filter((mail) => mail.subject.startsWith('Kvittens')).length,
      (count) => count >= 2,
    );
    expect(
      sink.mails
        .filter((mail) => mail.subject.startsWith('Kvittens'))
        .map((mail) => mail.to)
        .sort(),
    ).toEqual([consultee.email, outside.email].sort());
  });
});
