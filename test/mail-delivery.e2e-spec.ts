import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { OwnRedis } from './helpers/redis-server.js';
import { caseWithDraft, sendRound, stockholmDay } from './helpers/round-fixtures.js';
import { SmtpSink, waitFor } from './helpers/smtp-sink.js';
import { startTestApp, TestApp } from './helpers/test-app.js';

const DAY_MS = 86_400_000;

const outboxStatuses = async (t: TestApp) =>
  Object.fromEntries(
    (
      await t.sql<{ status: string; n: number }>(
        'SELECT status, COUNT(*) AS n FROM mail_outbox GROUP BY status',
      )
    ).map((row) => [row.status, Number(row.n)]),
  );

describe('mail delivery', () => {
  it('commits a send while Redis is down and delivers every mail once when it is back', async () => {
    const redis = await OwnRedis.start();
    const sink = await SmtpSink.start();
    const t = await startTestApp({ REDIS_URL: redis.url, SMTP_URL: sink.url });
    try {
      const fixture = await caseWithDraft(t, 5);
      await redis.stop();
      const started = Date.now();
      const { id, sent } = await sendRound(t, fixture, {
        title: 'Remiss under Redis-avbrott',
        recipientKinds: ['committee'],
      });
      expect(sent.status).toBe(200);
      expect(sent.body.queued).toBe(5);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(await outboxStatuses(t)).toEqual({ pending: 5 });
      const queued = await t.sql<{ n: number }>(
        'SELECT COUNT(*) AS n FROM mail_outbox WHERE queued_at IS NOT NULL',
      );
      expect(Number(queued[0].n)).toBe(0);

      await redis.start();
      await waitFor(
        () => sink.mails.length,
        (count) => count >= 5,
        30_000,
      );
      await waitFor(
        () => outboxStatuses(t),
        (statuses) => statuses.sent === 5,
      );
      // Give the relay and any duplicate job a chance to send twice; they must not.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(sink.mails.map((mail) => mail.to).sort()).toEqual(
        fixture.committees.map((committee) => committee.email).sort(),
      );
      expect(new Set(sink.mails.map((mail) => mail.messageId)).size).toBe(5);
      const round = await t
        .http()
        .get(`/api/rounds/${id}`)
        .set('Authorization', fixture.registrar.auth);
      expect(round.body.summary).toMatchObject({ total: 5, pending: 5, failed: 0 });
    } finally {
      await t.close();
      await redis.stop();
      await sink.stop();
    }
  });

  it('loses nothing and sends nothing twice when the worker stops mid-batch', async () => {
    const sink = await SmtpSink.start();
    sink.delayMs = 150;
    const first = await startTestApp({ SMTP_URL: sink.url, MAIL_CONCURRENCY: '1' });
    let second: TestApp | null = null;
    try {
      const fixture = await caseWithDraft(first, 8);
      await sendRound(first, fixture, {
        title: 'Avbruten leverans',
        recipientKinds: ['committee'],
      });
      await waitFor(
        () => sink.mails.length,
        (count) => count >= 2,
      );
      // The process stops (SIGTERM: running deliveries finish, the rest wait in the queue).
      await first.close({ keepData: true });
      const delivered = sink.mails.length;
      expect(delivered).toBeLessThan(8);

      second = await startTestApp({}, first.config);
      await waitFor(
        () => sink.mails.length,
        (count) => count >= 8,
        30_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(sink.mails.map((mail) => mail.to).sort()).toEqual(
        fixture.committees.map((committee) => committee.email).sort(),
      );
      expect(await outboxStatuses(second)).toEqual({ sent: 8 });
    } finally {
      await (second ?? first).close();
      await sink.stop();
    }
  });

  describe('without SMTP_URL', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({
        PUBLIC_URL: 'http://localhost:3999',
        RESPOND_RATE_LIMIT: '4',
        MAIL_ATTACHMENTS_MAX_MB: '0',
      });
    });
    afterAll(async () => {
      await t.close();
    });

    it('writes each mail as an .eml file in MAIL_DIR, with its link and no attachment over the limit', async () => {
      const fixture = await caseWithDraft(t, 2);
      const { sent } = await sendRound(t, fixture, {
        title: 'Remiss till mappen',
        recipientKinds: ['committee'],
      });
      expect(sent.status).toBe(200);
      const files = await waitFor(
        () => {
          try {
            return readdirSync(t.config.mailDir).filter((file) => file.endsWith('.eml'));
          } catch {
            return [];
          }
        },
        (found) => found.length === 2,
      );
      expect(files).toHaveLength(2);
      const mails = await Promise.all(
        files.map((file) => simpleParser(readFileSync(join(t.config.mailDir, file)))),
      );
      for (const committee of fixture.committees) {
        const mail = mails.find((parsed) => parsed.text?.includes(`Till ${committee.name}\n`));
        expect(mail).toBeDefined();
        expect(mail!.to).toMatchObject({
          value: [{ address: committee.email, name: committee.name }],
        });
        expect(mail!.subject).toBe(
          `Remiss: Remiss till mappen (${fixture.caseNumber}) – svar senast ${stockholmDay(30)}`,
        );
        expect(mail!.text).toMatch(/http:\/\/localhost:3999\/respond\/[A-Za-z0-9_-]{43}/);
        // MAIL_ATTACHMENTS_MAX_MB=0: the draft is linked, not attached.
        expect(mail!.attachments).toEqual([]);
        expect(mail!.text).toContain('Handlingar (hämtas via länken):');
      }
      // The .eml file is written before its row is marked sent: wait for the row too.
      expect(
        await waitFor(
          () => outboxStatuses(t),
          (statuses) => statuses.sent === 2,
        ),
      ).toEqual({ sent: 2 });
    });

    it('limits requests to the secure-link routes per client address', async () => {
      const token = 'A'.repeat(43);
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 6; attempt += 1) {
        statuses.push((await t.http().get(`/api/respond/${token}`)).status);
      }
      expect(statuses).toEqual([404, 404, 404, 404, 429, 429]);
      const page = await t.http().get(`/respond/${token}`);
      expect(page.status).toBe(429);
      // The login limit is counted apart.
      const login = await t.http().post('/api/auth/login').send({ email: 'x@y.se', password: 'z' });
      expect(login.status).toBe(401);
    });
  });

  it('never attaches a confidential document, and refuses to send once the deadline has passed', async () => {
    const sink = await SmtpSink.start();
    const t = await startTestApp({ SMTP_URL: sink.url });
    let later: TestApp | null = null;
    try {
      const fixture = await caseWithDraft(t, 1);
      const secret = await t
        .http()
        .post(`/api/cases/${fixture.caseId}/documents`)
        .set('Authorization', fixture.registrar.auth)
        .field('title', 'Bilaga med personuppgifter')
        .field('direction', 'outgoing')
        .field('confidentiality', 'OSL 26 kap. 1 §')
        .attach('file', Buffer.from('%PDF-1.4\n% hemlig\n%%EOF\n'), { filename: 'bilaga.pdf' });
      expect(secret.status).toBe(201);
      await sendRound(t, fixture, {
        title: 'Remiss med sekretessbilaga',
        documentIds: [fixture.draftId, secret.body.id],
        recipientKinds: ['committee'],
      });
      const [mail] = await waitFor(
        () => sink.mails,
        (mails) => mails.length === 1,
      );
      expect(mail.attachments).toEqual([]);
      expect(mail.text).toContain('Handlingar (hämtas via länken):');
      // The marked document is listed by its number; its title and file name stay behind the link.
      expect(mail.text).toContain(
        `- ${fixture.caseNumber}-2 Sekretessbelagd handling (${fixture.caseNumber.replace('/', '-')}-2.pdf, 24 byte)`,
      );
      expect(`${mail.subject}\n${mail.text}\n${mail.html}`).not.toMatch(
        /personuppgifter|bilaga\.pdf/,
      );

      const created = await t
        .http()
        .post(`/api/cases/${fixture.caseId}/rounds`)
        .set('Authorization', fixture.registrar.auth)
        .send({
          title: 'Remiss som blev liggande',
          deadline: stockholmDay(1),
          documentIds: [fixture.draftId],
          recipientKinds: ['committee'],
        });
      expect(created.status).toBe(201);
      // Three days later (the same database, a clock moved forward) the deadline has passed.
      later = await startTestApp(
        {},
        { ...t.config, clockOffsetMs: t.config.clockOffsetMs + 3 * DAY_MS },
      );
      const refused = await later
        .http()
        .post(`/api/rounds/${created.body.id}/send`)
        .set('Authorization', fixture.registrar.auth);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('round_not_sendable');
      expect(refused.body.details).toEqual([
        {
          field: 'deadline',
          messages: [`the deadline ${stockholmDay(1)} has passed (today is ${stockholmDay(3)})`],
        },
      ]);
    } finally {
      await later?.close({ keepData: true });
      await t.close();
      await sink.stop();
    }
  });
});
