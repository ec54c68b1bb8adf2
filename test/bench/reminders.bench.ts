// Benchmark of the reminder sweep: POST /api/admin/reminders/sweep over 2,000 sent rounds with
// 100,000 recipients and about 300,000 planned reminders, with 0 %, 1 % and 10 % of the recipients
// due, to show that a sweep costs what is due and not what is planned. Run with
// `npm run bench:reminders` (builds first) or `npx tsx test/bench/reminders.bench.ts` against an
// existing build. See test/bench/README.md.
//
// It talks only to 127.0.0.1: MariaDB/MySQL on 3306 (root, no password), Redis on 6379 and the
// api process it starts itself. Everything it creates (database remiss_bench_reminders, Redis keys
// remiss_bench_reminders:*, a temporary directory) is removed at the end; BENCH_KEEP=1 keeps the
// database.

import { performance } from 'node:perf_hooks';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { planReminders } from '../../src/deadlines/reminder-policy.js';
import { DEFAULT_REMINDER_POLICY } from '../../src/referral-rounds/round-rules.js';
import {
  api,
  busyWarning,
  committee,
  cpuProbe,
  databasePid,
  describeCpu,
  envInt,
  firstOutboxMail,
  formatTable,
  freePort,
  insertRows,
  log,
  loginAsAdmin,
  met,
  prepareRun,
  readCpuCount,
  redisPid,
  reportServiceOutput,
  runBenchmark,
  serverConnection,
  settle,
  startService,
  stockholmDay,
  stopService,
  storageCleanupSteps,
  TIME_ZONE,
  waitForHealth,
  type CpuShares,
  type OutboxMail,
  type Service,
} from './support.js';

// ---------------------------------------------------------------------------------------------
// Settings

const DATABASE = 'remiss_bench_reminders';
const QUEUE_PREFIX = 'remiss_bench_reminders';

const ROUNDS = Math.max(1, envInt('BENCH_ROUNDS', 2_000));
const PER_ROUND = Math.max(1, envInt('BENCH_RECIPIENTS_PER_ROUND', 50));
const RECIPIENTS = ROUNDS * PER_ROUND;
const RUNS = Math.max(1, envInt('BENCH_RUNS', 3));
const PREFERRED_PORT = envInt('BENCH_PORT', 3997);

/** Shares of the recipients with a reminder due; the target applies to 1 %. */
const SHARES = [0, 0.01, 0.1] as const;
const TARGET = { share: 0.01, sweepMs: 1_000 } as const;

/** Rounds per case, as a large consultation goes out in several rounds. */
const ROUNDS_PER_CASE = 100;
/** Deadlines fall 14 to 73 days ahead, so every planned reminder lies in the future. */
const FIRST_DEADLINE_DAYS = 14;
const DEADLINE_SPREAD_DAYS = 60;
/** The reminder made due is the one 7 days before the deadline, moved to this long ago. */
const DUE_KIND = 'before:7';
const DUE_AGO_MS = 3_600_000;
/** Rows per multi-row INSERT. */
const INSERT_ROWS = 5_000;
/** How often the claim query is timed on its own. */
const SQL_REPEATS = 20;
const SWEEP_TIMEOUT_MS = 300_000;
/** /proc counts CPU in ticks of 10 ms: shorter sweeps get no CPU figures. */
const CPU_MIN_MS = 250;
const QUEUED_TIMEOUT_MS = 60_000;

// The sweep's claim (src/deadlines/reminder-sweep.service.ts), without the FOR UPDATE SKIP LOCKED
// it runs with in its transaction, and the index it must use.
const CLAIM_SQL =
  "SELECT id FROM referral_round_reminder WHERE status = 'planned' AND due_at <= ? " +
  'ORDER BY due_at, id LIMIT 500';
const CLAIM_INDEX = 'ix_referral_round_reminder_due';

// ---------------------------------------------------------------------------------------------
// Output

const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
const count = (value: number): string => value.toLocaleString('en');
const shareText = (share: number): string => `${(share * 100).toFixed(0)} %`;

interface Spread {
  median: number;
  min: number;
  max: number;
}

function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

const describeSpread = ({ median, min, max }: Spread): string =>
  `${ms(median)} (${ms(min)}–${ms(max)})`;

// ---------------------------------------------------------------------------------------------
// Seeding, straight into the tables of the migrated database

type Row = (string | number | Date | null)[];

interface Seeded {
  reminders: number;
  seconds: number;
  /** Per round: when its DUE_KIND reminder is planned, to move it back after a share. */
  plannedDue: Date[];
}

const columns = (list: string): string[] => list.split(', ');

const recipientIds = (round: number): number[] =>
  Array.from({ length: PER_ROUND }, (_, index) => (round - 1) * PER_ROUND + index + 1);

/**
 * Kommunstyrelsen (KS) and PER_ROUND committees; a few KS cases; ROUNDS sent rounds, each to every
 * committee; and for every recipient the reminders the service plans for its deadline (default
 * policy: 7 and 1 days before, 1 day after, on working days at 08:00), all still to come.
 */
async function seed(connection: Connection): Promise<Seeded> {
  const began = performance.now();
  const now = new Date();
  const year = Number(stockholmDay(0).slice(0, 4));

  // Kommunstyrelsen is organisation 1, committee n is organisation n + 1.
  const width = Math.max(2, String(PER_ROUND).length);
  const committees = Array.from({ length: PER_ROUND }, (_, index) => committee(index + 1, width));
  await insertRows(
    connection,
    'organisation',
    columns('id, name, kind, series_code, email, active, version, created_at, updated_at'),
    [
      [1, 'Kommunstyrelsen', 'council', 'KS', 'kommunstyrelsen@bench.example', 1, 1, now, now],
      ...committees.map(({ name, address }, index) => [
        index + 2,
        name,
        'committee',
        null,
        address,
        1,
        1,
        now,
        now,
      ]),
    ],
    INSERT_ROWS,
  );

  const cases = Math.ceil(ROUNDS / ROUNDS_PER_CASE);
  await insertRows(
    connection,
    'case_record',
    columns(
      'id, case_number, series_code, year, sequence, title, organisation_id, status, version, ' +
        'created_at, updated_at',
    ),
    Array.from({ length: cases }, (_, index) => [
      index + 1,
      `KS ${year}/${String(index + 1).padStart(4, '0')}`,
      'KS',
      year,
      index + 1,
      `Remiss av förslag till regional utvecklingsstrategi, del ${index + 1}`,
      1,
      'open',
      1,
      now,
      now,
    ]),
  );
  await connection.query(
    'INSERT INTO case_number_sequence (series_code, year, last_value) VALUES (?, ?, ?)',
    ['KS', year, cases],
  );

  const deadlines: string[] = [];
  const rounds: Row[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const deadline = stockholmDay(FIRST_DEADLINE_DAYS + (round % DEADLINE_SPREAD_DAYS));
    deadlines.push(deadline);
    rounds.push([
      round,
      Math.ceil(round / ROUNDS_PER_CASE),
      `Remiss: Regional utvecklingsstrategi, remissomgång ${round}`,
      deadline,
      '[]',
      'sent',
      now,
      1,
      now,
      now,
    ]);
  }
  await insertRows(
    connection,
    'referral_round',
    columns(
      'id, case_id, title, deadline, sections, status, sent_at, version, created_at, updated_at',
    ),
    rounds,
    INSERT_ROWS,
  );
  log(`  ${PER_ROUND + 1} organisations, ${cases} cases, ${count(ROUNDS)} rounds`);

  const recipients: Row[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    recipientIds(round).forEach((id, index) => {
      const { address } = committees[index];
      recipients.push([id, round, index + 2, 'sent', address, 1, now, now, now]);
    });
  }
  await insertRows(
    connection,
    'referral_round_recipient',
    columns(
      'id, round_id, organisation_id, status, email, invitation_count, sent_at, created_at, ' +
        'updated_at',
    ),
    recipients,
    INSERT_ROWS,
  );
  log(`  ${count(recipients.length)} recipients`);

  // The service's own planner, so the reminders are exactly those a send would have planned.
  const plans = new Map<string, ReturnType<typeof planReminders>>();
  const plannedDue: Date[] = [];
  let reminders = 0;
  let batch: Row[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const deadline = deadlines[round - 1];
    let plan = plans.get(deadline);
    if (!plan)
      plans.set(deadline, (plan = planReminders(DEFAULT_REMINDER_POLICY, deadline, TIME_ZONE)));
    const due = plan.find((reminder) => reminder.kind === DUE_KIND);
    if (!due || plan.some((reminder) => reminder.dueAt.getTime() <= now.getTime())) {
      throw new Error(`the reminders for deadline ${deadline} are not all in the future`);
    }
    plannedDue[round] = due.dueAt;
    for (const id of recipientIds(round)) {
      for (const reminder of plan) {
        batch.push([id, reminder.kind, deadline, reminder.dueAt, 'planned', now]);
      }
    }
    if (batch.length >= INSERT_ROWS * 4 || round === ROUNDS) {
      await insertRows(
        connection,
        'referral_round_reminder',
        columns('recipient_id, kind, deadline, due_at, status, created_at'),
        batch,
        INSERT_ROWS,
      );
      reminders += batch.length;
      batch = [];
    }
  }
  log(`  ${count(reminders)} planned reminders; ANALYZE TABLE`);
  await connection.query(
    'ANALYZE TABLE organisation, case_record, referral_round, referral_round_recipient, ' +
      'referral_round_reminder',
  );
  return { reminders, seconds: (performance.now() - began) / 1000, plannedDue };
}

/** The rounds whose recipients get a due reminder, spread evenly over all rounds. */
function dueRounds(share: number): number[] {
  const due = Math.round(ROUNDS * share);
  return Array.from({ length: due }, (_, index) => Math.floor((index * ROUNDS) / due) + 1);
}

/** Moves the DUE_KIND reminder of every recipient of the rounds to `dueAt(round)`. */
async function moveReminders(
  connection: Connection,
  rounds: readonly number[],
  dueAt: (round: number) => Date,
): Promise<void> {
  const byInstant = new Map<number, number[]>();
  for (const round of rounds) {
    const time = dueAt(round).getTime();
    byInstant.set(time, [...(byInstant.get(time) ?? []), ...recipientIds(round)]);
  }
  for (const [time, ids] of byInstant) {
    await connection.query(
      `UPDATE referral_round_reminder SET due_at = ?, status = 'planned', outbox_id = NULL,
              done_at = NULL
        WHERE recipient_id IN (?) AND kind = ?`,
      [new Date(time), ids, DUE_KIND],
    );
  }
}

/** Undoes a sweep: its mails leave the outbox and its reminders are planned again. */
async function resetSweep(connection: Connection): Promise<void> {
  await connection.query('DELETE FROM mail_outbox');
  await connection.query(
    `UPDATE referral_round_reminder SET status = 'planned', outbox_id = NULL, done_at = NULL
      WHERE status IN ('queued', 'skipped')`,
  );
}

// ---------------------------------------------------------------------------------------------
// The claim query on its own

interface ClaimQuery {
  plan: RowDataPacket[];
  usesIndex: boolean;
  time: Spread;
  lockedTime: Spread;
}

/** EXPLAIN of the claim, and its time alone and with FOR UPDATE SKIP LOCKED (rolled back). */
async function measureClaim(connection: Connection, expected: number): Promise<ClaimQuery> {
  const now = new Date();
  const [plan] = await connection.query<RowDataPacket[]>(`EXPLAIN ${CLAIM_SQL}`, [now]);
  const usesIndex = plan.every(
    (row) => row.key === CLAIM_INDEX && !/filesort|temporary/i.test(String(row.Extra ?? '')),
  );
  const timed = async (sql: string, locked: boolean): Promise<Spread> => {
    const times: number[] = [];
    for (let repeat = 0; repeat < SQL_REPEATS; repeat += 1) {
      if (locked) await connection.beginTransaction();
      const began = performance.now();
      const [rows] = await connection.query<RowDataPacket[]>(sql, [now]);
      times.push(performance.now() - began);
      if (locked) await connection.rollback();
      if (rows.length !== Math.min(500, expected)) {
        throw new Error(
          `the claim query found ${rows.length} rows, not ${Math.min(500, expected)}`,
        );
      }
    }
    return spread(times);
  };
  return {
    plan,
    usesIndex,
    time: await timed(CLAIM_SQL, false),
    lockedTime: await timed(`${CLAIM_SQL} FOR UPDATE SKIP LOCKED`, true),
  };
}

// ---------------------------------------------------------------------------------------------
// The SQL of one batch on its own

// What the sweep sends for each batch of 500 (src/deadlines/reminder-sweep.service.ts with
// src/mail/outbox.service.ts): keep in step with the service.
const BATCH = 500;
const DETAILS_SQL = `
  SELECT rm.id, rm.recipient_id AS recipientId, rm.kind, rm.deadline,
         o.name AS recipientName, o.email, rr.title AS roundTitle,
         c.case_number AS caseNumber, so.name AS senderName, so.email AS senderEmail
    FROM referral_round_reminder rm
    JOIN referral_round_recipient r ON r.id = rm.recipient_id
    JOIN organisation o ON o.id = r.organisation_id
    JOIN referral_round rr ON rr.id = r.round_id
    JOIN case_record c ON c.id = rr.case_id
    JOIN organisation so ON so.id = c.organisation_id
   WHERE rm.id IN (?) AND r.status = 'sent' AND rr.status = 'sent'
     AND rm.deadline = COALESCE(r.extended_deadline, rr.deadline)`;
const OUTBOX_INSERT_SQL =
  'INSERT INTO `mail_outbox` (`kind`, `dedupe_key`, `entity`, `entity_id`, `to_address`, ' +
  '`to_name`, `subject`, `text_body`, `html_body`, `attachments`, `message_id`, `created_at`) ' +
  'VALUES ? ON DUPLICATE KEY UPDATE `kind` = `kind`';
const MARK_QUEUED_SQL = `
  UPDATE referral_round_reminder rm
    LEFT JOIN mail_outbox m
      ON m.dedupe_key = CONCAT('reminder:', rm.recipient_id, ':', rm.kind, ':', rm.deadline)
     SET rm.status = IF(m.id IS NULL, 'skipped', 'queued'), rm.outbox_id = m.id, rm.done_at = ?
   WHERE rm.id IN (?)`;
// Once a sweep, before the batches: the two statements that skip unwanted reminders.
const SKIP_SQL = `
  UPDATE referral_round_reminder rm
    JOIN referral_round_recipient r ON r.id = rm.recipient_id
    JOIN referral_round rr ON rr.id = r.round_id
     SET rm.status = 'skipped', rm.done_at = ?
   WHERE rm.status = 'planned' AND rm.due_at <= ?
     AND (r.status <> 'sent' OR rr.status <> 'sent'
          OR rm.deadline <> COALESCE(r.extended_deadline, rr.deadline)
          OR (rm.kind LIKE 'before:%' AND rm.deadline < ?))`;
const SUPERSEDED_SQL = `
  UPDATE referral_round_reminder rm
    JOIN referral_round_reminder later
      ON later.recipient_id = rm.recipient_id AND later.deadline = rm.deadline
     AND later.status = 'planned' AND later.due_at > rm.due_at AND later.due_at <= ?
     SET rm.status = 'skipped', rm.done_at = ?
   WHERE rm.status = 'planned' AND rm.due_at <= ?`;
const PER_SWEEP_STATEMENTS = 2;
/** The replay is repeated and each statement's median kept. */
const REPLAYS = 3;

/**
 * Per statement, in the order the sweep sends them (the first PER_SWEEP_STATEMENTS run once a
 * sweep, the others once a batch): milliseconds, and the CPU milliseconds of this process in
 * them (mysql2 building and parsing packets).
 */
type BatchSql = [statement: string, ms: number, clientMs: number][];

/**
 * The sweep's statements for one batch of BATCH due reminders, with mails of the sample's size,
 * in one transaction that is rolled back: what the database and mysql2 cost, without the api
 * process's rendering, TypeORM and queueing around them. Median of REPLAYS.
 */
async function replayBatch(connection: Connection, mail: OutboxMail): Promise<BatchSql> {
  const replays: BatchSql[] = [];
  for (let replay = 0; replay < REPLAYS; replay += 1) {
    replays.push(await replayOnce(connection, mail));
  }
  return replays[0].map(([statement], index) => [
    statement,
    spread(replays.map((timings) => timings[index][1])).median,
    spread(replays.map((timings) => timings[index][2])).median,
  ]);
}

async function replayOnce(connection: Connection, mail: OutboxMail): Promise<BatchSql> {
  const timings: BatchSql = [];
  const timed = async <T>(statement: string, run: () => Promise<T>): Promise<T> => {
    const began = performance.now();
    const cpu = process.cpuUsage();
    const result = await run();
    const { user, system } = process.cpuUsage(cpu);
    timings.push([statement, performance.now() - began, (user + system) / 1000]);
    return result;
  };
  const now = new Date();
  await connection.beginTransaction();
  try {
    await timed('skip unwanted', () => connection.query(SKIP_SQL, [now, now, stockholmDay(0)]));
    await timed('skip superseded', () => connection.query(SUPERSEDED_SQL, [now, now, now]));
    const [claimed] = await timed('claim', () =>
      connection.query<RowDataPacket[]>(`${CLAIM_SQL} FOR UPDATE SKIP LOCKED`, [now]),
    );
    const ids = claimed.map((row) => Number(row.id));
    const [due] = await timed('details', () =>
      connection.query<RowDataPacket[]>(DETAILS_SQL, [ids]),
    );
    const keys = due.map((row) => `reminder:${row.recipientId}:${row.kind}:${row.deadline}`);
    const rows = due.map((row, index) => [
      'deadline-reminder',
      keys[index],
      'referral_round_recipient',
      row.recipientId,
      row.email,
      row.recipientName,
      mail.subject,
      mail.text,
      mail.html,
      null,
      `<replay-${index}-${now.getTime()}@bench.localhost>`,
      now,
    ]);
    await timed('outbox insert', () => connection.query(OUTBOX_INSERT_SQL, [rows]));
    await timed('outbox ids', () =>
      connection.query('SELECT id, dedupe_key FROM mail_outbox WHERE dedupe_key IN (?)', [keys]),
    );
    await timed('mark queued', () => connection.query(MARK_QUEUED_SQL, [now, ids]));
    await timed('audit', () =>
      connection.query(
        `INSERT INTO audit_event (occurred_at, actor_label, action, entity, entity_id, after_state)
         VALUES (?, 'replay', 'reminders.queued', 'referral_round_reminder', ?, ?)`,
        [
          now,
          String(ids[0]),
          JSON.stringify({
            reminders: due.map(({ id, recipientId, kind, deadline }) => ({
              id,
              recipientId,
              kind,
              deadline,
            })),
          }),
        ],
      ),
    );
  } finally {
    await connection.rollback();
  }
  return timings;
}

// ---------------------------------------------------------------------------------------------
// The sweep through the API

interface Sweep {
  ms: number;
  queued: number;
  skipped: number;
  /** From the start of the call until every mail it wrote was on the mail queue. */
  handedMs: number | null;
  cpu: CpuShares;
  /** Statements the database server received during the call (server-wide). */
  statements: number;
  problems: string[];
}

async function questions(connection: Connection): Promise<number> {
  const [rows] = await connection.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Questions'");
  return Number(rows[0].Value);
}

async function scalar(
  connection: Connection,
  sql: string,
  values: unknown[] = [],
): Promise<number> {
  const [rows] = await connection.query<RowDataPacket[]>(sql, values);
  return Number(rows[0].n);
}

/**
 * One sweep: the call and its answer, then (not timed) until the mails it wrote are on the queue,
 * which the service does after answering, and the checks of outbox and reminders.
 */
async function sweepOnce(
  baseUrl: string,
  token: string,
  connection: Connection,
  due: number,
  pids: Record<string, number | undefined>,
): Promise<Sweep> {
  const statementsBefore = await questions(connection);
  const stopCpu = cpuProbe(pids);
  const began = performance.now();
  const answer = await api<{ queued: number; skipped: number }>(
    baseUrl,
    'POST',
    '/api/admin/reminders/sweep',
    { token, expect: 200, timeoutMs: SWEEP_TIMEOUT_MS },
  );
  const elapsed = performance.now() - began;
  const cpu = stopCpu();
  // Less the two statements of this process (SHOW GLOBAL STATUS counts itself).
  const statements = (await questions(connection)) - statementsBefore - 1;

  let handedMs: number | null = null;
  const deadline = performance.now() + QUEUED_TIMEOUT_MS;
  while (performance.now() < deadline) {
    const waiting = await scalar(
      connection,
      "SELECT COUNT(*) AS n FROM mail_outbox WHERE status = 'pending' AND queued_at IS NULL",
    );
    if (waiting === 0) {
      handedMs = performance.now() - began;
      break;
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 20));
  }

  const problems: string[] = [];
  if (answer.queued !== due || answer.skipped !== 0) {
    problems.push(`the sweep answered queued ${answer.queued}, skipped ${answer.skipped}`);
  }
  const outbox = await scalar(connection, 'SELECT COUNT(*) AS n FROM mail_outbox');
  const reminderMails = await scalar(
    connection,
    "SELECT COUNT(*) AS n FROM mail_outbox WHERE kind = 'deadline-reminder'",
  );
  if (outbox !== due || reminderMails !== due) {
    problems.push(`mail_outbox holds ${outbox} rows (${reminderMails} deadline-reminder)`);
  }
  const queued = await scalar(
    connection,
    `SELECT COUNT(*) AS n FROM referral_round_reminder rm JOIN mail_outbox m ON m.id = rm.outbox_id
      WHERE rm.status = 'queued' AND rm.kind = ?`,
    [DUE_KIND],
  );
  const otherDone = await scalar(
    connection,
    "SELECT COUNT(*) AS n FROM referral_round_reminder WHERE status IN ('queued', 'skipped')",
  );
  const stillDue = await scalar(
    connection,
    "SELECT COUNT(*) AS n FROM referral_round_reminder WHERE status = 'planned' AND due_at <= ?",
    [new Date()],
  );
  if (queued !== due || otherDone !== due || stillDue !== 0) {
    problems.push(
      `${queued} reminders queued with their mail, ${otherDone} queued or skipped, ` +
        `${stillDue} still planned and due`,
    );
  }
  if (handedMs === null) problems.push('not every mail reached the mail queue');
  return {
    ms: elapsed,
    queued: answer.queued,
    skipped: answer.skipped,
    handedMs,
    cpu,
    statements,
    problems,
  };
}

// ---------------------------------------------------------------------------------------------
// Summary

interface ShareResult {
  share: number;
  due: number;
  sweeps: Sweep[];
  claim: ClaimQuery;
  /** Null when nothing was due. */
  batchSql: BatchSql | null;
}

function printSummary(seeded: Seeded, results: ShareResult[]): boolean {
  const rows = results.map(({ share, due, sweeps }) => {
    const time = spread(sweeps.map((sweep) => sweep.ms));
    const targeted = share === TARGET.share;
    const pass = sweeps.every((sweep) => sweep.problems.length === 0);
    return [
      shareText(share),
      count(due),
      describeSpread(time),
      due === 0 ? '–' : `${((time.median * 1000) / due).toFixed(0)} µs`,
      targeted ? `< ${ms(TARGET.sweepMs)}` : '',
      targeted ? met(time.median < TARGET.sweepMs) : '',
      pass ? 'PASS' : 'FAIL',
    ];
  });
  const claimRows = results.map(({ share, due, claim }) => [
    shareText(share),
    count(due),
    describeSpread(claim.time),
    describeSpread(claim.lockedTime),
    claim.usesIndex ? `yes (${CLAIM_INDEX})` : 'NO',
  ]);
  const replayed = results.filter((result) => result.batchSql !== null);
  const statementNames = replayed[0]?.batchSql?.map(([statement]) => statement) ?? [];
  const replayRows = replayed.map(({ share, due, sweeps, batchSql }) => {
    const timings = batchSql ?? [];
    const batches = Math.ceil(due / BATCH);
    const sum = (from: number, to: number, column: 1 | 2): number =>
      timings.slice(from, to).reduce((total, timing) => total + timing[column], 0);
    const perBatch = sum(PER_SWEEP_STATEMENTS, timings.length, 1);
    const client = sum(PER_SWEEP_STATEMENTS, timings.length, 2);
    const sql = sum(0, PER_SWEEP_STATEMENTS, 1) + batches * perBatch;
    const sweep = spread(sweeps.map((run) => run.ms)).median;
    return [
      shareText(share),
      ...timings.map(([, time]) => ms(time)),
      ms(perBatch),
      ms(client),
      `${ms(sql)} of ${ms(sweep)} (${((sql / sweep) * 100).toFixed(0)} %)`,
    ];
  });
  const plan = results[results.length - 1].claim.plan;
  const planColumns = ['select_type', 'table', 'type', 'key', 'key_len', 'rows', 'Extra'];
  const detail = results.flatMap(({ share, sweeps }) =>
    sweeps.map(
      (sweep, index) =>
        `  ${shareText(share).padStart(4)} run ${index + 1}: ${ms(sweep.ms)}, queued ${sweep.queued}; ` +
        `on the queue after ${sweep.handedMs === null ? 'n/a' : ms(sweep.handedMs)}; ` +
        `${count(sweep.statements)} statements (server-wide); ` +
        (sweep.ms < CPU_MIN_MS ? 'CPU not measured (too short)' : `CPU ${describeCpu(sweep.cpu)}`),
    ),
  );
  // The busiest sweep of each share says whether other processes lowered its figures.
  const warnings = results.flatMap(({ share, sweeps }) => {
    const measured = sweeps.filter((sweep) => sweep.ms >= CPU_MIN_MS);
    if (measured.length === 0) return [];
    const other = Math.max(...measured.map((sweep) => sweep.cpu.other ?? 0));
    return busyWarning(`the ${shareText(share)} sweeps`, { other });
  });
  const problems = results.flatMap(({ share, sweeps }) =>
    sweeps.flatMap((sweep, index) =>
      sweep.problems.map((problem) => `FAIL ${shareText(share)} run ${index + 1}: ${problem}`),
    ),
  );
  const output = [
    '',
    `Summary (${count(ROUNDS)} sent rounds, ${count(RECIPIENTS)} recipients, ` +
      `${count(seeded.reminders)} reminders seeded in ${seeded.seconds.toFixed(1)} s; ` +
      `${RUNS} sweeps per share, median (min–max))`,
    ...formatTable(
      [
        'Due share',
        'Due reminders',
        'Sweep POST /api/admin/reminders/sweep',
        'Per due',
        'Target',
        'Met',
        'Check',
      ],
      rows,
    ),
    '',
    `Claim query alone (${SQL_REPEATS} times each, median (min–max)):`,
    `  ${CLAIM_SQL}`,
    ...formatTable(
      ['Due share', 'Due reminders', 'Claim', 'With FOR UPDATE SKIP LOCKED', 'Index'],
      claimRows,
    ).map((line) => `  ${line}`),
    `The sweep's SQL for one batch of ${BATCH}, replayed through mysql2 and rolled back ` +
      `(median of ${REPLAYS}); the two skips run once a sweep, the rest once a batch; ` +
      '"mysql2 CPU": what formatting and parsing the batch cost this process:',
    ...formatTable(
      [
        'Due share',
        ...statementNames,
        'Batch',
        'mysql2 CPU',
        'SQL of the sweep (of its median time)',
      ],
      replayRows,
    ).map((line) => `  ${line}`),
    `EXPLAIN of the claim (${shareText(results[results.length - 1].share)} due):`,
    ...formatTable(
      planColumns,
      plan.map((row) => planColumns.map((column) => String(row[column] ?? 'NULL'))),
    ).map((line) => `  ${line}`),
    '',
    'Each sweep (CPU: 100% = one core, the machine has ' + `${String(readCpuCount())}):`,
    ...detail,
    ...warnings,
    ...problems,
    '',
  ];
  process.stdout.write(output.join('\n') + '\n');
  return problems.length === 0 && results.every(({ claim }) => claim.usesIndex);
}

// ---------------------------------------------------------------------------------------------
// Main

interface Resources {
  service?: Service;
  connection?: Connection;
  tempDir?: string;
}

const resources: Resources = {};

async function main(): Promise<number> {
  resources.tempDir = await prepareRun({
    watched: ['src', 'migrations', 'templates'],
    database: DATABASE,
    queuePrefix: QUEUE_PREFIX,
    tempPrefix: 'remiss-bench-reminders-',
  });

  const port = await freePort(PREFERRED_PORT);
  log(`starting node dist/src/main.js with APP_ROLE=api (no worker, no SMTP) on port ${port}`);
  const service = startService({
    name: 'api',
    label: 'the api process',
    port,
    database: DATABASE,
    queuePrefix: QUEUE_PREFIX,
    tempDir: resources.tempDir,
    // Only the HTTP trigger sweeps: the scheduled sweep and mail delivery run in workers.
    env: { APP_ROLE: 'api' },
  });
  resources.service = service;
  await waitForHealth(service);
  log('GET /health answers 200 (migrations done)');
  const token = await loginAsAdmin(service.baseUrl);

  // DATE columns as strings, as the service reads them.
  const connection = await serverConnection(DATABASE, { dateStrings: ['DATE'] });
  resources.connection = connection;
  log(
    `seeding ${count(ROUNDS)} sent rounds with ${PER_ROUND} recipients each ` +
      `(${count(RECIPIENTS)}) and their reminders`,
  );
  const seeded = await seed(connection);
  log(`seeded in ${seeded.seconds.toFixed(1)} s`);

  // Redis too: it takes the mail jobs the sweep queues.
  const pids = { api: service.child.pid, mariadbd: await databasePid(), redis: await redisPid() };
  const results: ShareResult[] = [];
  for (const share of SHARES) {
    const rounds = dueRounds(share);
    const due = rounds.length * PER_ROUND;
    const past = new Date(Date.now() - DUE_AGO_MS);
    await moveReminders(connection, rounds, () => past);
    log(`${shareText(share)}: ${count(due)} reminders due (${rounds.length} rounds)`);
    const claim = await measureClaim(connection, due);
    log(
      `  claim query: ${describeSpread(claim.time)}, with FOR UPDATE SKIP LOCKED ` +
        `${describeSpread(claim.lockedTime)}; key ${claim.plan.map((row) => String(row.key)).join(', ')}`,
    );
    const sweeps: Sweep[] = [];
    let sample: OutboxMail | null = null;
    for (let run = 1; run <= RUNS; run += 1) {
      await settle(pids.api);
      const sweep = await sweepOnce(service.baseUrl, token, connection, due, pids);
      sweeps.push(sweep);
      log(
        `  run ${run}: ${ms(sweep.ms)}, queued ${sweep.queued}, skipped ${sweep.skipped}; ` +
          `${sweep.problems.length === 0 ? 'checks PASS' : `FAIL: ${sweep.problems.join('; ')}`}`,
      );
      if (due > 0) sample ??= await firstOutboxMail(DATABASE);
      await resetSweep(connection);
    }
    const batchSql = sample === null ? null : await replayBatch(connection, sample);
    if (batchSql !== null) {
      log(
        `  SQL of one batch: ${batchSql.map(([name, time]) => `${name} ${ms(time)}`).join(', ')}`,
      );
    }
    await moveReminders(connection, rounds, (round) => seeded.plannedDue[round]);
    results.push({ share, due, sweeps, claim, batchSql });
  }

  const pass = printSummary(seeded, results);
  reportServiceOutput([service]);
  return pass ? 0 : 1;
}

await runBenchmark(main, [
  ['closing the mysql2 connection', () => resources.connection?.end()],
  ['stopping the api process', () => resources.service && stopService(resources.service)],
  ...storageCleanupSteps(DATABASE, QUEUE_PREFIX, () => resources.tempDir),
]);
