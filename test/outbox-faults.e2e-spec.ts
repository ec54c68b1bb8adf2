import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool, type Pool } from 'mysql2/promise';
import request from 'supertest';
import { caseWithDraft, type RoundFixture } from './helpers/round-fixtures.js';
import { OwnMariaDb } from './helpers/mariadb-server.js';
import { freePort, OwnRedis } from './helpers/redis-server.js';
import { SmtpSink, waitFor, type ReceivedMail } from './helpers/smtp-sink.js';
import { ADMIN, type TestApp } from './helpers/test-app.js';
import { stockholmDay, TEST_CLOCK_OFFSET_MS } from './helpers/test-clock.js';

/**
 * Invitations under crashes and outages, the way they run in production: an api process and a
 * worker process (the build, APP_ROLE api / worker), a mariadbd and a redis-server of the test's own
 * that it kills, and a real SMTP sink. Every scenario ends with nothing lost, at most one extra
 * copy per ambiguous event (a mail the server accepted just before its sender died or lost the
 * database), every copy of a mail carrying the same link, and the API showing each recipient as
 * it truly is.
 */

/** The built service (npm run build; CI builds before it tests), as it runs in production. */
const MAIN = 'dist/src/main.js';

const CONCURRENCY = 10;
/** nodemailer's pool: at most this many mails are inside an SMTP transaction at once. */
const IN_FLIGHT = 5;

class Service {
  private child: ChildProcess | null = null;
  readonly lines: string[] = [];

  constructor(
    private readonly role: 'api' | 'worker',
    private readonly env: Record<string, string>,
  ) {}

  async start(): Promise<void> {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', ...this.env, APP_ROLE: this.role },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let ready = false;
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() === '') continue;
        this.lines.push(line);
        if (/Worker started|listening on port/.test(line)) ready = true;
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const started = await waitFor(
      () => ready || child.exitCode !== null,
      (done) => done,
      60_000,
    );
    if (!started || child.exitCode !== null) {
      throw new Error(`${this.role} did not start:\n${this.lines.slice(-20).join('\n')}`);
    }
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    this.child = null;
  }

  /** Log messages (pino's `msg`) matching `pattern`. */
  logged(pattern: RegExp): string[] {
    return this.lines.filter((line) => pattern.test(line));
  }
}

function tokenOf(mail: ReceivedMail): string {
  const match = /\/respond\/([A-Za-z0-9_-]{43})/.exec(mail.text);
  if (!match) throw new Error(`no link in mail to ${mail.to}`);
  return match[1];
}

/** With FAULT_FIGURES=<file>, each scenario appends what it measured there (one JSON line). */
function figures(scenario: string, values: Record<string, number>): void {
  const file = process.env.FAULT_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify({ scenario, ...values })}\n`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('invitations under crashes and outages (own mariadbd and redis-server, api and worker processes)', () => {
  let db: OwnMariaDb;
  let redis: OwnRedis;
  let sink: SmtpSink;
  let pool: Pool;
  let api: Service;
  let worker: Service;
  let apiUrl: string;
  let files: string;
  let fixture: RoundFixture;
  let t: TestApp;

  beforeAll(async () => {
    [db, redis, sink] = await Promise.all([OwnMariaDb.start(), OwnRedis.start(), SmtpSink.start()]);
    files = mkdtempSync(join(tmpdir(), 'remiss-faults-'));
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    const offsetSeconds = Math.round(TEST_CLOCK_OFFSET_MS / 1000);
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: `${db.url}/remiss_faults`,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'faults',
      SMTP_URL: sink.url,
      MAIL_FROM: 'Remiss <noreply@kalmar.test>',
      PUBLIC_URL: 'https://remiss.kalmar.test',
      JWT_SECRET: 'faults-test-secret-faults-test-secret-0123',
      BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      STORAGE_DIR: join(files, 'storage'),
      MAIL_DIR: join(files, 'mail'),
      PORT: String(port),
      WORD_THREADS: '0',
      // A retry budget of 0.2 + 0.4 s, so every outage below outlasts it.
      MAIL_RETRY_DELAY_MS: '200',
      MAIL_MAX_ATTEMPTS: '3',
      MAIL_CONCURRENCY: String(CONCURRENCY),
      MAIL_LOCK_MS: '3000',
      LOGIN_RATE_LIMIT: '1000',
      LOGIN_ADDRESS_RATE_LIMIT: '1000',
      LOGIN_ACCOUNT_RATE_LIMIT: '1000',
      ...(offsetSeconds === 0
        ? {}
        : { CLOCK_OFFSET: `${offsetSeconds < 0 ? '-' : '+'}${Math.abs(offsetSeconds)}s` }),
    };
    api = new Service('api', env);
    worker = new Service('worker', env);
    await api.start();
    await worker.start();
    pool = createPool({ uri: `${db.url}/remiss_faults`, connectionLimit: 2 });
    t = { http: () => request(apiUrl) } as unknown as TestApp;
    fixture = await caseWithDraft(t, 100);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([api?.kill(), worker?.kill()]);
    await pool?.end().catch(() => undefined);
    await Promise.all([db?.remove(), redis?.stop(), sink?.stop()]);
    if (files) rmSync(files, { recursive: true, force: true });
  });

  async function startRound(recipients: number): Promise<number> {
    const created = await t
      .http()
      .post(`/api/cases/${fixture.caseId}/rounds`)
      .set('Authorization', fixture.registrar.auth)
      .send({
        title: `Omgång ${recipients}`,
        deadline: stockholmDay(30),
        documentIds: [fixture.draftId],
        recipientOrganisationIds: fixture.committees.slice(0, recipients).map((c) => c.id),
      });
    expect(created.status).toBe(201);
    return created.body.id as number;
  }

  function send(roundId: number) {
    return t
      .http()
      .post(`/api/rounds/${roundId}/send`)
      .set('Authorization', fixture.registrar.auth);
  }

  async function query<T>(sql: string, params: unknown[]): Promise<T[]> {
    const [rows] = await pool.query(sql, params);
    return rows as T[];
  }

  /** Arrivals at the sink of the round's invitations so far. */
  async function arrivals(roundId: number): Promise<number> {
    const rows = await query<{ message_id: string }>(
      `SELECT m.message_id FROM referral_round_recipient r
         JOIN mail_outbox m ON m.id = r.invitation_outbox_id WHERE r.round_id = ?`,
      [roundId],
    ).catch(() => []);
    const ids = new Set(rows.map((row) => row.message_id));
    return sink.mails.filter((mail) => ids.has(mail.messageId)).length;
  }

  /**
   * Waits until no invitation of the round is pending, then judges it: 0 lost, at most
   * `maxExtra` extra copies, one link per mail (every copy of it the same, and live), and the
   * API showing every recipient `sent` with `sentAt` set.
   */
  async function judge(roundId: number, recipients: number, maxExtra: number, ms = 90_000) {
    const started = Date.now();
    const pending = await waitFor(
      async () =>
        (
          await query<{ n: number }>(
            `SELECT COUNT(*) AS n FROM referral_round_recipient r
               LEFT JOIN mail_outbox m ON m.id = r.invitation_outbox_id
              WHERE r.round_id = ? AND (m.id IS NULL OR m.status <> 'sent')`,
            [roundId],
          ).catch(() => [{ n: -1 }])
        )[0].n,
      (n) => Number(n) === 0,
      ms,
    );
    expect(Number(pending)).toBe(0);
    const settledMs = Date.now() - started;
    const rows = await query<{ recipient_id: number; message_id: string; to_address: string }>(
      `SELECT r.id AS recipient_id, m.message_id, m.to_address FROM referral_round_recipient r
         JOIN mail_outbox m ON m.id = r.invitation_outbox_id WHERE r.round_id = ?`,
      [roundId],
    );
    expect(rows).toHaveLength(recipients);
    let lost = 0;
    let extra = 0;
    const duplicated: string[] = [];
    for (const row of rows) {
      const copies = sink.mails.filter((mail) => mail.messageId === row.message_id);
      if (copies.length === 0) lost += 1;
      extra += Math.max(0, copies.length - 1);
      expect(copies.every((copy) => copy.to === row.to_address)).toBe(true);
      // Every copy of one mail carries the same link.
      expect(new Set(copies.map(tokenOf)).size).toBeLessThanOrEqual(1);
      if (copies.length > 1) duplicated.push(tokenOf(copies[0]));
    }
    expect(lost).toBe(0);
    expect(extra).toBeLessThanOrEqual(maxExtra);
    for (const token of duplicated) {
      expect((await t.http().get(`/api/respond/${token}`)).status).toBe(200);
    }
    const round = await waitFor(
      async () =>
        (await t.http().get(`/api/rounds/${roundId}`).set('Authorization', fixture.admin)).body,
      (body) =>
        Array.isArray(body.recipients) &&
        body.recipients.every((r: { status: string }) => r.status === 'sent'),
    );
    expect(round.summary).toMatchObject({ total: recipients, failed: 0 });
    expect(
      round.recipients.every(
        (r: { status: string; sentAt: string | null }) => r.status === 'sent' && r.sentAt !== null,
      ),
    ).toBe(true);
    return { lost, extra, duplicated: duplicated.length, settledMs };
  }

  it('delivers every invitation after the database was down longer than the retry budget', async () => {
    sink.delayMs = 100;
    const roundId = await startRound(80);
    expect((await send(roundId)).status).toBe(200);
    await waitFor(
      () => arrivals(roundId),
      (n) => n >= 10,
      30_000,
    );
    await db.kill();
    // While it is down, queued invitations are shown as such, never as sent … once it is back.
    const down = await t.http().get('/health');
    expect(down.status).toBe(503);
    await sleep(6_000);
    await db.start();
    const result = await judge(roundId, 80, CONCURRENCY);
    figures('database down 6 s (budget 0.6 s)', { recipients: 80, ...result });
    expect(worker.logged(/re-offered|abandoned after/).length).toBe(0);
    expect(worker.logged(/Outbox relay pass failed/).length).toBeLessThanOrEqual(1);
  }, 120_000);

  it('delivers every invitation once more at most when a worker is killed twice on the same slow jobs, each copy with the same link', async () => {
    sink.delayMs = 2_500;
    const roundId = await startRound(10);
    const before = sink.attempts.length;
    expect((await send(roundId)).status).toBe(200);
    // First kill while the first mails are inside their SMTP transaction.
    await waitFor(
      () => sink.attempts.length,
      (n) => n >= before + 1,
      20_000,
    );
    await sleep(1_000);
    await worker.kill();
    await worker.start();
    // Second kill once the same jobs run again after their lock expired.
    const rerun = sink.attempts.length;
    await waitFor(
      () => sink.attempts.length,
      (n) => n >= rerun + 1,
      30_000,
    );
    await sleep(1_000);
    await worker.kill();
    await worker.start();
    const result = await judge(roundId, 10, 2 * IN_FLIGHT);
    figures('worker killed twice, SMTP 2.5 s', { recipients: 10, ...result });
    // The mails accepted just before each kill went again, each copy with the same link.
    expect(result.extra).toBeGreaterThan(0);
    expect(worker.logged(/sent again after an earlier run was cut off/).length).toBeGreaterThan(0);
    expect(worker.logged(/stalled \(its worker stopped mid-delivery\)/).length).toBeGreaterThan(0);
    sink.delayMs = 0;
  }, 150_000);

  it('recovers within a minute when Redis restarts without its data, and sends nothing twice', async () => {
    sink.delayMs = 50;
    const roundId = await startRound(80);
    expect((await send(roundId)).status).toBe(200);
    await waitFor(
      () => arrivals(roundId),
      (n) => n >= 10,
      30_000,
    );
    await redis.stop();
    const degraded = await t.http().get('/health');
    expect(degraded.status).toBe(200);
    expect(degraded.body.status).toBe('degraded');
    // Queued but not yet accepted: the API says so.
    const during = await t.http().get(`/api/rounds/${roundId}`).set('Authorization', fixture.admin);
    expect(during.body.recipients.some((r: { status: string }) => r.status === 'queued')).toBe(
      true,
    );
    await sleep(3_000);
    await redis.start();
    const back = Date.now();
    const result = await judge(roundId, 80, IN_FLIGHT, 60_000);
    expect(Date.now() - back).toBeLessThan(60_000);
    figures('Redis killed, no persistence, 3 s', { recipients: 80, ...result });
    expect(worker.logged(/re-offered: its job was missing from the queue/).length).toBeGreaterThan(
      0,
    );
    sink.delayMs = 0;
  }, 120_000);

  it('never half-sends a round when the api is killed mid-send, and sending again completes it once', async () => {
    const roundId = await startRound(100);
    const sending = send(roundId).then(
      () => undefined,
      () => undefined,
    );
    await sleep(150);
    await api.kill();
    await sending;
    await api.start();
    expect((await send(roundId)).status).toBe(200);
    const result = await judge(roundId, 100, 0);
    figures('api killed 150 ms into send', { recipients: 100, ...result });
    // The outbox report shows nothing stuck.
    const report = await t.http().get('/api/admin/outbox').set('Authorization', fixture.admin);
    expect(report.status).toBe(200);
    expect(report.body.stuckTotal).toBe(0);
    expect(report.body.states.find((s: { status: string }) => s.status === 'pending').total).toBe(
      0,
    );
  }, 120_000);
});
