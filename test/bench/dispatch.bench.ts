// Benchmark of sending a referral round: one POST /api/rounds/:id/send to 1,000 committees with a
// 200 kB PDF attached, delivered by a separate worker process over SMTP to a sink in this process,
// and the same mails sent by a bare nodemailer loop to the same sink (the ceiling). Run with
// `npm run bench:dispatch` (builds first) or `npx tsx test/bench/dispatch.bench.ts` against an
// existing build. See test/bench/README.md.
//
// It talks only to 127.0.0.1: MariaDB/MySQL on 3306 (root, no password), Redis on 6379, the two
// service processes it starts itself and its own SMTP sink. Everything it creates (database
// remiss_bench_dispatch, Redis keys remiss_bench_dispatch:*, a temporary directory) is removed at
// the end; BENCH_KEEP=1 keeps the database.

import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { simpleParser } from 'mailparser';
import { type Connection, type RowDataPacket } from 'mysql2/promise';
import { SMTPServer } from 'smtp-server';
import { RESPONSE_LINK_PLACEHOLDER } from '../../src/mail/mail-templates.js';
import {
  ADMIN,
  api,
  busyWarning,
  committee,
  cpuProbe,
  createOrganisation,
  createRegistrar,
  databasePid,
  describeCpu,
  envInt,
  firstOutboxMail,
  formatTable,
  freePort,
  HOST,
  insertRows,
  isRunning,
  log,
  login,
  loginAsAdmin,
  met,
  prepareRun,
  readCpuCount,
  redisPid,
  REGISTRAR,
  reportServiceOutput,
  runBenchmark,
  serverConnection,
  settle,
  sleep,
  startService,
  statusKb,
  stockholmDay,
  stopService,
  storageCleanupSteps,
  waitForHealth,
  waitUntil,
  withRedis,
  type CpuShares,
  type OutboxMail,
  type Service,
} from './support.js';

// ---------------------------------------------------------------------------------------------
// Settings

const DATABASE = 'remiss_bench_dispatch';
const QUEUE_PREFIX = 'remiss_bench_dispatch';
/** Envelope senders: the sink files each message under its sender, service or bare loop. */
const SERVICE_FROM = 'remiss@service.bench.localhost';
const BARE_FROM = 'remiss@bare.bench.localhost';

const RECIPIENTS = Math.max(1, envInt('BENCH_RECIPIENTS', 1_000));
const ATTACHMENT_BYTES = Math.max(1, envInt('BENCH_ATTACHMENT_KB', 200)) * 1024;
const PREFERRED_PORT = envInt('BENCH_PORT', 3998);
/** Empty: the service's default MAIL_CONCURRENCY (10). */
const MAIL_CONCURRENCY = process.env.BENCH_MAIL_CONCURRENCY?.trim() ?? '';
const DELIVERY_TIMEOUT_MS = Math.max(10, envInt('BENCH_TIMEOUT_SECONDS', 300)) * 1000;
const DEADLINE_DAYS = 30;

// The bare loop: what the service's transport is configured with (src/mail/mail-transport.ts),
// with as many sends in flight as the worker runs jobs by default.
const BARE_CONNECTIONS = 5;
const BARE_MAX_MESSAGES = 100;
const BARE_IN_FLIGHT = 10;

const TARGETS = { sendMs: 1_000, mailsPerSecond: 100, serviceToBare: 0.5 } as const;

const WORKER_TIMEOUT_MS = 60_000;
const RSS_SAMPLE_MS = 100;
/** After the last mail: how long the outbox may take to show every row sent. */
const SETTLE_TIMEOUT_MS = 30_000;
/** Then how long the sink is watched for duplicates before it is counted. */
const QUIET_MS = 1_000;

// ---------------------------------------------------------------------------------------------
// Output

const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
const mb = (kb: number | null): string => (kb === null ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
const rate = (value: number): string => `${value.toFixed(value < 10 ? 1 : 0)} mails/s`;

// ---------------------------------------------------------------------------------------------
// Files

/**
 * A minimal valid PDF (as test/helpers/files.ts makes) of exactly `size` bytes: a comment block of
 * filler lines goes before the trailer.
 */
function paddedPdf(size: number): Buffer {
  const head =
    '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
    '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n';
  const tail = 'trailer << /Root 1 0 R >>\n%%EOF\n';
  const room = size - head.length - tail.length;
  if (room < 2) return Buffer.from(head + tail, 'latin1');
  const lines: string[] = [];
  let length = 0;
  for (let line = 1; length < room; line += 1) {
    const text = `% Remissunderlag rad ${line}: förslag till strategi för remisshantering\n`;
    lines.push(text);
    length += text.length;
  }
  // Trim the last line so the file is exactly `size` bytes; it still ends with a newline.
  const filler = lines.join('').slice(0, room - 1) + '\n';
  return Buffer.from(head + filler + tail, 'latin1');
}

// ---------------------------------------------------------------------------------------------
// The SMTP sink

/** What the sink accepted from one envelope sender. */
interface Bucket {
  messages: number;
  bytes: number;
  /** RCPT TO addresses of accepted messages, with how often each was seen. */
  recipients: Map<string, number>;
  first: number | null;
  last: number | null;
  /** The first accepted message, whole, to check its attachment. */
  sample: Buffer | null;
}

interface Sink {
  port: number;
  /** SMTP connections accepted so far. */
  connections(): number;
  bucket(sender: string): Bucket;
  senders(): string[];
  close(): Promise<void>;
}

async function startSink(): Promise<Sink> {
  const buckets = new Map<string, Bucket>();
  const bucket = (sender: string): Bucket => {
    let found = buckets.get(sender);
    if (!found) {
      found = {
        messages: 0,
        bytes: 0,
        recipients: new Map(),
        first: null,
        last: null,
        sample: null,
      };
      buckets.set(sender, found);
    }
    return found;
  };
  let connections = 0;
  const server = new SMTPServer({
    onConnect: (_session, callback) => {
      connections += 1;
      callback();
    },
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    size: 100 * 1024 * 1024,
    onData: (stream, session, callback) => {
      const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      const target = bucket(sender);
      const keep = target.sample === null;
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (keep) chunks.push(chunk);
      });
      stream.once('error', (error) => callback(error));
      stream.once('end', () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error('Message too large'), { responseCode: 552 }));
          return;
        }
        const now = performance.now();
        target.messages += 1;
        target.bytes += bytes;
        target.first ??= now;
        target.last = now;
        for (const recipient of session.envelope.rcptTo) {
          target.recipients.set(
            recipient.address,
            (target.recipients.get(recipient.address) ?? 0) + 1,
          );
        }
        if (keep && target.sample === null) target.sample = Buffer.concat(chunks);
        callback();
      });
    },
  });
  server.on('error', (error) => log(`SMTP sink error: ${error.message}`));
  await new Promise<void>((resolveListen) => server.listen(0, HOST, resolveListen));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    connections: () => connections,
    bucket,
    senders: () => [...buckets.keys()],
    close: () =>
      Promise.race([
        new Promise<void>((resolveClose) => server.close(() => resolveClose())),
        sleep(5_000),
      ]),
  };
}

// ---------------------------------------------------------------------------------------------
// The service under test: one `api` process and one `worker` process

/** Both share the database, queue prefix, JWT secret and files; only the api has an admin. */
function startRole(
  role: 'api' | 'worker',
  port: number,
  tempDir: string,
  smtpPort: number,
  jwtSecret: string,
): Service {
  return startService({
    name: role,
    label: `the ${role} process`,
    port,
    database: DATABASE,
    queuePrefix: QUEUE_PREFIX,
    tempDir,
    env: {
      APP_ROLE: role,
      JWT_SECRET: jwtSecret,
      SMTP_URL: `smtp://${HOST}:${smtpPort}`,
      MAIL_FROM: `Remiss <${SERVICE_FROM}>`,
      MAIL_CONCURRENCY,
      BOOTSTRAP_ADMIN_EMAIL: role === 'api' ? ADMIN.email : '',
      BOOTSTRAP_ADMIN_PASSWORD: role === 'api' ? ADMIN.password : '',
    },
  });
}

/** The worker is ready when its BullMQ worker for the mail queue is connected to Redis. */
function waitForWorker(service: Service): Promise<void> {
  const name = `${QUEUE_PREFIX}:${Buffer.from('mail').toString('base64')}`;
  return waitUntil(service, 'the worker did not connect to the mail queue', WORKER_TIMEOUT_MS, () =>
    withRedis(async (redis) => {
      const list = await redis.call('CLIENT', 'LIST');
      if (typeof list !== 'string') return false;
      return list.split('\n').some((line) => {
        const client = / name=(\S*)/.exec(line)?.[1] ?? '';
        return client === name || client.startsWith(`${name}:w:`);
      });
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Setup

interface Committee {
  name: string;
  address: string;
}

/** The recipients, inserted straight into the directory (the API would take longer). */
async function insertCommittees(count: number): Promise<Committee[]> {
  const width = Math.max(4, String(count).length);
  const committees = Array.from({ length: count }, (_, index) => committee(index + 1, width));
  const connection = await serverConnection(DATABASE);
  try {
    const now = new Date();
    await insertRows(
      connection,
      'organisation',
      ['name', 'kind', 'email', 'active', 'version', 'created_at', 'updated_at'],
      committees.map(({ name, address }) => [name, 'committee', address, 1, 1, now, now]),
    );
  } finally {
    await connection.end();
  }
  return committees;
}

interface Setup {
  roundId: number;
  committees: Committee[];
  pdf: Buffer;
  fileName: string;
}

async function setUp(baseUrl: string): Promise<Setup> {
  const adminToken = await loginAsAdmin(baseUrl);
  const ks = await createOrganisation(baseUrl, adminToken, {
    name: 'Kommunstyrelsen',
    kind: 'council',
    seriesCode: 'KS',
    email: 'kommunstyrelsen@bench.example',
  });
  const token = await createRegistrar(baseUrl, adminToken, [ks.id]);
  log(`created Kommunstyrelsen (KS, id ${ks.id}) and a registrar; logged in as the registrar`);

  const began = performance.now();
  const committees = await insertCommittees(RECIPIENTS);
  log(
    `inserted ${RECIPIENTS.toLocaleString('en')} committees with distinct addresses ` +
      `in ${ms(performance.now() - began)}`,
  );

  const owner = await api<{ id: number; caseNumber: string }>(baseUrl, 'POST', '/api/cases', {
    token,
    body: { title: 'Remiss: Strategi för kommunens remisshantering', organisationId: ks.id },
  });
  const pdf = paddedPdf(ATTACHMENT_BYTES);
  const fileName = 'remissforslag.pdf';
  const form = new FormData();
  form.append('title', 'Förslag till strategi för kommunens remisshantering');
  form.append('direction', 'outgoing');
  form.append('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), fileName);
  const document = await api<{ id: number; size: number }>(
    baseUrl,
    'POST',
    `/api/cases/${owner.id}/documents`,
    { token, form },
  );
  if (document.size !== pdf.length) {
    throw new Error(`the document was stored with ${document.size} bytes, not ${pdf.length}`);
  }
  const deadline = stockholmDay(DEADLINE_DAYS);
  const round = await api<{ id: number; recipients: unknown[] }>(
    baseUrl,
    'POST',
    `/api/cases/${owner.id}/rounds`,
    {
      token,
      body: {
        title: 'Remiss: Strategi för kommunens remisshantering',
        deadline,
        documentIds: [document.id],
        recipientKinds: ['committee'],
      },
    },
  );
  if (round.recipients.length !== RECIPIENTS) {
    throw new Error(`the round has ${round.recipients.length} recipients, not ${RECIPIENTS}`);
  }
  log(
    `case ${owner.caseNumber}, document ${document.id} ` +
      `(${fileName}, ${pdf.length.toLocaleString('en')} bytes), ` +
      `draft round ${round.id} to ${round.recipients.length} committees, deadline ${deadline}`,
  );
  return { roundId: round.id, committees, pdf, fileName };
}

// ---------------------------------------------------------------------------------------------
// Counters of the database server and Redis (server-wide: other clients count too)

const DB_COUNTERS = [
  'Questions',
  'Com_select',
  'Com_update',
  'Com_insert',
  'Com_commit',
  'Connections',
  'Innodb_log_writes',
  'Innodb_data_fsyncs',
] as const;

async function dbCounters(connection: Connection): Promise<Record<string, number>> {
  const [rows] = await connection.query<RowDataPacket[]>(
    `SHOW GLOBAL STATUS WHERE Variable_name IN (${DB_COUNTERS.map(() => '?').join(', ')})`,
    [...DB_COUNTERS],
  );
  return Object.fromEntries(rows.map((row) => [String(row.Variable_name), Number(row.Value)]));
}

async function redisCounters(): Promise<Record<string, number>> {
  const info = await withRedis((redis) => redis.info('stats'));
  const read = (name: string): number => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1]);
  return {
    'Redis commands': read('total_commands_processed'),
    'Redis connections': read('total_connections_received'),
  };
}

// ---------------------------------------------------------------------------------------------
// Measurements

interface Delivery {
  sendMs: number;
  /** CPU use during the send call alone. */
  sendCpu: CpuShares;
  queued: number;
  /** From the start of the send call to the first / last mail the sink accepted. */
  firstMs: number | null;
  allMs: number | null;
  rssBeforeKb: number | null;
  rssMaxKb: number | null;
  apiRssMaxKb: number | null;
  cpu: CpuShares;
  /** Server-wide counters (MariaDB, Redis) and the sink's connections during delivery. */
  counted: Record<string, number>;
}

/** Polls every 20 ms until the sink holds `count` messages from `sender`, or the time is up. */
async function waitForMessages(
  sink: Sink,
  sender: string,
  count: number,
  timeoutMs: number,
  worker?: Service,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (sink.bucket(sender).messages >= count) return true;
    if (worker && !isRunning(worker)) throw new Error('the worker process exited during delivery');
    await sleep(20);
  }
  return sink.bucket(sender).messages >= count;
}

async function measureService(
  baseUrl: string,
  token: string,
  roundId: number,
  sink: Sink,
  worker: Service,
  pids: Record<string, number | undefined>,
): Promise<Delivery> {
  const workerPid = pids.worker;
  const apiPid = pids.api;
  const rssBeforeKb = statusKb(workerPid, 'VmRSS');
  let rssMaxKb = rssBeforeKb;
  let apiRssMaxKb = statusKb(apiPid, 'VmRSS');
  const sampler = setInterval(() => {
    rssMaxKb = Math.max(rssMaxKb ?? 0, statusKb(workerPid, 'VmRSS') ?? 0);
    apiRssMaxKb = Math.max(apiRssMaxKb ?? 0, statusKb(apiPid, 'VmRSS') ?? 0);
  }, RSS_SAMPLE_MS);
  const counters = await serverConnection();
  try {
    const dbBefore = await dbCounters(counters);
    const redisBefore = await redisCounters();
    const smtpBefore = sink.connections();
    const stopCpu = cpuProbe(pids);
    log(`POST /api/rounds/${roundId}/send`);
    const stopSendCpu = cpuProbe({ api: apiPid, mariadbd: pids.mariadbd, worker: workerPid });
    const began = performance.now();
    const sent = await api<{ queued: number; round: { status: string } }>(
      baseUrl,
      'POST',
      `/api/rounds/${roundId}/send`,
      { token, expect: 200 },
    );
    const sendMs = performance.now() - began;
    const sendCpu = stopSendCpu();
    log(`send answered in ${ms(sendMs)}: queued ${sent.queued}, round ${sent.round.status}`);
    if (sent.queued !== RECIPIENTS) {
      throw new Error(`the send call queued ${sent.queued} mails, not ${RECIPIENTS}`);
    }
    const complete = await waitForMessages(
      sink,
      SERVICE_FROM,
      RECIPIENTS,
      DELIVERY_TIMEOUT_MS,
      worker,
    );
    const cpu = stopCpu();
    const dbAfter = await dbCounters(counters);
    const redisAfter = await redisCounters();
    const smtpConnections = sink.connections() - smtpBefore;
    const received = sink.bucket(SERVICE_FROM);
    if (!complete) {
      log(
        `warning: only ${received.messages} of ${RECIPIENTS} mails arrived within ` +
          `${DELIVERY_TIMEOUT_MS / 1000} s (BENCH_TIMEOUT_SECONDS)`,
      );
    }
    const counted: Record<string, number> = { 'SMTP connections': smtpConnections };
    for (const [after, before] of [
      [dbAfter, dbBefore],
      [redisAfter, redisBefore],
    ]) {
      for (const name of Object.keys(after)) counted[name] = after[name] - (before[name] ?? NaN);
    }
    return {
      sendMs,
      sendCpu,
      queued: sent.queued,
      firstMs: received.first === null ? null : received.first - began,
      allMs: complete && received.last !== null ? received.last - began : null,
      rssBeforeKb,
      rssMaxKb,
      apiRssMaxKb,
      cpu,
      counted,
    };
  } finally {
    clearInterval(sampler);
    await counters.end();
  }
}

interface Correctness {
  pass: boolean;
  /** Whether the service attached the PDF (it does up to MAIL_ATTACHMENTS_MAX_MB, 10 MB). */
  attached: boolean;
  details: string[];
}

async function checkCorrectness(
  sink: Sink,
  committees: Committee[],
  roundId: number,
  pdf: Buffer,
  fileName: string,
): Promise<Correctness> {
  const problems: string[] = [];
  const details: string[] = [];
  const connection = await serverConnection(DATABASE);
  try {
    // The worker marks a row sent just after the server's 250; wait for the last ones.
    const statuses = async (): Promise<Map<string, number>> => {
      const [rows] = await connection.query<RowDataPacket[]>(
        'SELECT status, COUNT(*) AS n FROM mail_outbox GROUP BY status ORDER BY status',
      );
      return new Map(rows.map((row) => [String(row.status), Number(row.n)]));
    };
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    let byStatus = await statuses();
    while ((byStatus.get('pending') ?? 0) > 0 && Date.now() < deadline) {
      await sleep(100);
      byStatus = await statuses();
    }
    // A duplicate would come from a job run twice; give one a moment to show up.
    await sleep(QUIET_MS);
    byStatus = await statuses();
    const outbox = [...byStatus].map(([status, n]) => `${status} ${n}`).join(', ') || 'empty';
    details.push(`mail_outbox by status: ${outbox}`);
    if (byStatus.size !== 1 || byStatus.get('sent') !== RECIPIENTS) {
      problems.push(`mail_outbox should be ${RECIPIENTS} sent and nothing else: ${outbox}`);
    }
    const [delivered] = await connection.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS n FROM referral_round_recipient r
         JOIN mail_outbox m ON m.id = r.invitation_outbox_id
        WHERE r.round_id = ? AND r.status = 'sent' AND m.status = 'sent'`,
      [roundId],
    );
    const deliveredCount = Number(delivered[0].n);
    details.push(`recipients marked delivered: ${deliveredCount}`);
    if (deliveredCount !== RECIPIENTS) {
      problems.push(`${deliveredCount} recipients marked delivered, not ${RECIPIENTS}`);
    }
  } finally {
    await connection.end();
  }

  const received = sink.bucket(SERVICE_FROM);
  const expected = new Set(committees.map((committee) => committee.address));
  const twice = [...received.recipients].filter(([, seen]) => seen > 1);
  const unexpected = [...received.recipients.keys()].filter((address) => !expected.has(address));
  const missing = [...expected].filter((address) => !received.recipients.has(address));
  const rcptTotal = [...received.recipients.values()].reduce((sum, seen) => sum + seen, 0);
  details.push(
    `sink: ${received.messages} messages, ${rcptTotal} RCPT TO, ` +
      `${received.recipients.size} distinct addresses, ${twice.length} twice, ` +
      `${unexpected.length} unexpected, ${missing.length} missing`,
  );
  if (received.messages !== RECIPIENTS) {
    problems.push(`the sink accepted ${received.messages} messages, not ${RECIPIENTS}`);
  }
  if (rcptTotal !== RECIPIENTS || received.recipients.size !== RECIPIENTS) {
    problems.push(`${rcptTotal} RCPT TO to ${received.recipients.size} distinct addresses`);
  }
  if (twice.length > 0) {
    problems.push(
      `addresses sent to more than once: ${twice.map(([address]) => address).join(', ')}`,
    );
  }
  if (unexpected.length > 0 || missing.length > 0) {
    problems.push(`${unexpected.length} unexpected and ${missing.length} missing addresses`);
  }
  const strangers = sink.senders().filter((sender) => sender !== SERVICE_FROM);
  if (strangers.length > 0) problems.push(`mail from other senders: ${strangers.join(', ')}`);

  let attached = false;
  if (received.sample === null) {
    problems.push('no message to inspect');
  } else {
    const parsed = await simpleParser(received.sample);
    const attachment = parsed.attachments.find((candidate) => candidate.filename === fileName);
    attached = attachment !== undefined;
    if (!attachment) {
      problems.push(`the first message has no attachment ${fileName}`);
    } else if (!attachment.content.equals(pdf)) {
      problems.push(`the attachment differs from the uploaded PDF (${attachment.size} bytes)`);
    } else {
      details.push(
        `attachment ${fileName}: ${attachment.size.toLocaleString('en')} bytes, identical`,
      );
    }
  }
  return {
    pass: problems.length === 0,
    attached,
    details: [...details, ...problems.map((p) => `FAIL: ${p}`)],
  };
}

interface Bare {
  allMs: number;
  cpu: CpuShares;
  smtpConnections: number;
}

/**
 * The bare loop, run in a worker thread of its own (CommonJS, evaluated from this string). The
 * service sends from its own process while the sink runs here; with the loop on the sink's event
 * loop, sender and sink would take turns on one thread and the ceiling would be about halved.
 */
const BARE_SENDER = `
const { parentPort, workerData } = require('node:worker_threads');
const { randomBytes } = require('node:crypto');
const nodemailer = require(workerData.nodemailer);
const { options, inFlight, from, recipients, mail, placeholder, publicUrl, fileName, attach } =
  workerData;
const { buffer, byteOffset, byteLength } = workerData.pdf;
const pdf = Buffer.from(buffer, byteOffset, byteLength);
const transport = nodemailer.createTransport(options);
let next = 0;
async function loop() {
  while (next < recipients.length) {
    const recipient = recipients[next];
    next += 1;
    const link = publicUrl + '/respond/' + randomBytes(32).toString('base64url');
    await transport.sendMail({
      from,
      to: { name: recipient.name, address: recipient.address },
      subject: mail.subject,
      text: mail.text.split(placeholder).join(link),
      html: mail.html.split(placeholder).join(link),
      messageId: '<' + randomBytes(16).toString('hex') + '@bare.bench.localhost>',
      date: new Date(),
      headers: { 'Auto-Submitted': 'auto-generated' },
      attachments: attach
        ? [{ filename: fileName, contentType: 'application/pdf', content: pdf }]
        : [],
    });
  }
}
parentPort.once('message', () => {
  Promise.all(Array.from({ length: inFlight }, loop)).then(
    () => parentPort.postMessage({ done: true }),
    (error) => parentPort.postMessage({ error: String((error && error.stack) || error) }),
  ).finally(() => transport.close());
});
parentPort.postMessage({ ready: true });
`;

type BareMessage = { ready: true } | { done: true } | { error: string };

/**
 * The ceiling: the same mails (bodies as stored by the service, a fresh link each, the same PDF)
 * through one pooled nodemailer transport configured like the service's, BARE_IN_FLIGHT at a time.
 */
async function measureBare(
  sink: Sink,
  committees: Committee[],
  mail: OutboxMail,
  pdf: Buffer,
  fileName: string,
  publicUrl: string,
  attach: boolean,
  pids: Record<string, number | undefined>,
): Promise<Bare> {
  const thread = new Worker(BARE_SENDER, {
    eval: true,
    workerData: {
      nodemailer: createRequire(import.meta.url).resolve('nodemailer'),
      options: {
        pool: true,
        host: HOST,
        port: sink.port,
        secure: false,
        ignoreTLS: true,
        maxConnections: BARE_CONNECTIONS,
        maxMessages: BARE_MAX_MESSAGES,
      },
      inFlight: BARE_IN_FLIGHT,
      from: `Remiss <${BARE_FROM}>`,
      recipients: committees,
      mail,
      placeholder: RESPONSE_LINK_PLACEHOLDER,
      publicUrl,
      fileName,
      pdf,
      attach,
    },
  });
  resources.thread = thread;
  const messages: BareMessage[] = [];
  let wake: (() => void) | null = null;
  const failed = new Promise<never>((_, reject) => {
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`the bare sender thread exited (${code})`)));
  });
  thread.on('message', (message: BareMessage) => {
    messages.push(message);
    wake?.();
  });
  const nextMessage = async (): Promise<BareMessage> => {
    while (messages.length === 0) {
      await Promise.race([new Promise<void>((resolveWake) => (wake = resolveWake)), failed]);
    }
    return messages.shift()!;
  };
  try {
    if (!('ready' in (await nextMessage()))) throw new Error('the bare sender did not start');
    log(
      `bare nodemailer loop (own thread): ${committees.length} mails, pool of ${BARE_CONNECTIONS} ` +
        `connections (maxMessages ${BARE_MAX_MESSAGES}), ${BARE_IN_FLIGHT} in flight`,
    );
    const smtpBefore = sink.connections();
    const stopCpu = cpuProbe(pids);
    const began = performance.now();
    thread.postMessage('start');
    const outcome = await nextMessage();
    const cpu = stopCpu();
    if ('error' in outcome) throw new Error(`the bare loop failed: ${outcome.error}`);
    await waitForMessages(sink, BARE_FROM, committees.length, 10_000);
    const received = sink.bucket(BARE_FROM);
    if (received.messages !== committees.length || received.last === null) {
      throw new Error(
        `the sink accepted ${received.messages} bare mails, not ${committees.length}`,
      );
    }
    return { allMs: received.last - began, cpu, smtpConnections: sink.connections() - smtpBefore };
  } finally {
    failed.catch(() => undefined);
    await thread.terminate();
    resources.thread = undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Summary

interface Summary {
  delivery: Delivery;
  bare: Bare;
  correctness: Correctness;
  workerPeakKb: number | null;
  apiPeakKb: number | null;
  serviceBytes: number;
  bareBytes: number;
}

function printSummary(summary: Summary): void {
  const { delivery, bare, correctness } = summary;
  const serviceRate = delivery.allMs === null ? 0 : RECIPIENTS / (delivery.allMs / 1000);
  const bareRate = RECIPIENTS / (bare.allMs / 1000);
  const ratio = serviceRate / bareRate;
  const concurrency = MAIL_CONCURRENCY || '10';
  const rows: [string, string, string, string][] = [
    [
      `Send call POST /api/rounds/:id/send`,
      `${ms(delivery.sendMs)}, queued ${delivery.queued}`,
      `< ${TARGETS.sendMs} ms`,
      met(delivery.sendMs < TARGETS.sendMs && delivery.queued === RECIPIENTS),
    ],
    [
      `Service delivery (worker, MAIL_CONCURRENCY ${concurrency})`,
      delivery.allMs === null
        ? 'incomplete'
        : `${(delivery.allMs / 1000).toFixed(2)} s, ${rate(serviceRate)}`,
      `≥ ${TARGETS.mailsPerSecond} mails/s`,
      met(serviceRate >= TARGETS.mailsPerSecond),
    ],
    [
      `Bare nodemailer loop (pool ${BARE_CONNECTIONS}, ${BARE_IN_FLIGHT} in flight)`,
      `${(bare.allMs / 1000).toFixed(2)} s, ${rate(bareRate)}`,
      '',
      '',
    ],
    [
      'Service ÷ bare',
      `${ratio.toFixed(2)}×`,
      `≥ ${TARGETS.serviceToBare}×`,
      met(ratio >= TARGETS.serviceToBare),
    ],
    [
      'Worker peak RSS (VmHWM)',
      `${mb(summary.workerPeakKb)} (before send ${mb(delivery.rssBeforeKb)}, ` +
        `max sampled ${mb(delivery.rssMaxKb)})`,
      '',
      '',
    ],
    [
      'Correctness (sink and mail_outbox)',
      correctness.pass ? 'PASS' : 'FAIL',
      `${RECIPIENTS} mails, distinct, all sent`,
      met(correctness.pass),
    ],
  ];
  const steady =
    delivery.firstMs !== null && delivery.allMs !== null && delivery.allMs > delivery.firstMs
      ? rate((RECIPIENTS - 1) / ((delivery.allMs - delivery.firstMs) / 1000))
      : 'n/a';
  const counted = Object.entries(delivery.counted)
    .map(([name, value]) =>
      Number.isFinite(value)
        ? `${name} ${value} (${(value / RECIPIENTS).toFixed(value < RECIPIENTS ? 2 : 1)}/mail)`
        : `${name} n/a`,
    )
    .join(', ');
  const output = [
    '',
    `Summary (${RECIPIENTS.toLocaleString('en')} recipients, ` +
      `${(ATTACHMENT_BYTES / 1024).toFixed(0)} kB PDF ` +
      `${correctness.attached ? 'attached' : 'NOT attached'}; average message ` +
      `${(summary.serviceBytes / 1024).toFixed(0)} kB from the service, ` +
      `${(summary.bareBytes / 1024).toFixed(0)} kB from the bare loop)`,
    ...formatTable(['Measurement', 'Result', 'Target', 'Met'], rows),
    '',
    `Send call: CPU while it ran ${describeCpu(delivery.sendCpu)}.`,
    `Service: first mail accepted ${delivery.firstMs === null ? 'n/a' : ms(delivery.firstMs)} ` +
      `after the send call began; first to last mail ${steady}.`,
    `Peak RSS of the api process (VmHWM): ${mb(summary.apiPeakKb)}; ` +
      `max sampled during delivery ${mb(delivery.apiRssMaxKb)}.`,
    'CPU (100% = one core, the machine has ' + `${String(readCpuCount())}):`,
    `  service delivery  ${describeCpu(delivery.cpu)}`,
    `  bare loop         ${describeCpu(bare.cpu)}`,
    ...busyWarning('service delivery', delivery.cpu),
    ...busyWarning('the bare loop', bare.cpu),
    `During service delivery (server-wide counters): ${counted}.`,
    `SMTP connections opened by the bare loop: ${bare.smtpConnections}.`,
    ...correctness.details.map((detail) => `Correctness: ${detail}`),
    '',
  ];
  process.stdout.write(output.join('\n') + '\n');
}

// ---------------------------------------------------------------------------------------------
// Main

interface Resources {
  api?: Service;
  worker?: Service;
  thread?: Worker;
  sink?: Sink;
  tempDir?: string;
}

const resources: Resources = {};

async function main(): Promise<number> {
  if (ATTACHMENT_BYTES > 10 * 1024 * 1024) {
    log(
      'warning: the service attaches documents only up to MAIL_ATTACHMENTS_MAX_MB (10 MB); ' +
        'above it the mails carry links only and the correctness check fails',
    );
  }
  resources.tempDir = await prepareRun({
    watched: ['src', 'migrations', 'templates'],
    database: DATABASE,
    queuePrefix: QUEUE_PREFIX,
    tempPrefix: 'remiss-bench-dispatch-',
  });

  const sink = await startSink();
  resources.sink = sink;
  log(`SMTP sink listening on ${HOST}:${sink.port}`);

  const port = await freePort(PREFERRED_PORT);
  const jwtSecret = randomBytes(32).toString('base64url');
  log(`starting node dist/src/main.js with APP_ROLE=api on port ${port}`);
  resources.api = startRole('api', port, resources.tempDir, sink.port, jwtSecret);
  const { baseUrl } = resources.api;
  await waitForHealth(resources.api);
  log('GET /health answers 200 (migrations done); starting APP_ROLE=worker');
  resources.worker = startRole('worker', port, resources.tempDir, sink.port, jwtSecret);

  const setup = await setUp(baseUrl);
  await waitForWorker(resources.worker);
  await settle(resources.worker.child.pid);
  log(`the worker (pid ${resources.worker.child.pid}) is connected to the mail queue and idle`);

  const token = await login(baseUrl, REGISTRAR.email, REGISTRAR.password);
  const pids = {
    worker: resources.worker.child.pid,
    api: resources.api.child.pid,
    mariadbd: await databasePid(),
    redis: await redisPid(),
  };
  const delivery = await measureService(
    baseUrl,
    token,
    setup.roundId,
    sink,
    resources.worker,
    pids,
  );
  const serviceRate = delivery.allMs === null ? 0 : RECIPIENTS / (delivery.allMs / 1000);
  log(
    `service: all ${RECIPIENTS} mails accepted ${delivery.allMs === null ? 'n/a' : ms(delivery.allMs)} ` +
      `after the send call began (${rate(serviceRate)}); CPU ${describeCpu(delivery.cpu)}`,
  );
  const correctness = await checkCorrectness(
    sink,
    setup.committees,
    setup.roundId,
    setup.pdf,
    setup.fileName,
  );
  log(`correctness: ${correctness.pass ? 'PASS' : 'FAIL'}`);

  const bare = await measureBare(
    sink,
    setup.committees,
    await firstOutboxMail(DATABASE),
    setup.pdf,
    setup.fileName,
    baseUrl,
    correctness.attached,
    pids,
  );
  log(
    `bare loop: all ${RECIPIENTS} mails accepted in ${ms(bare.allMs)} ` +
      `(${rate(RECIPIENTS / (bare.allMs / 1000))}); CPU ${describeCpu(bare.cpu)}`,
  );

  const serviceBucket = sink.bucket(SERVICE_FROM);
  const bareBucket = sink.bucket(BARE_FROM);
  printSummary({
    delivery,
    bare,
    correctness,
    workerPeakKb: statusKb(resources.worker.child.pid, 'VmHWM'),
    apiPeakKb: statusKb(resources.api.child.pid, 'VmHWM'),
    serviceBytes: serviceBucket.bytes / Math.max(1, serviceBucket.messages),
    bareBytes: bareBucket.bytes / Math.max(1, bareBucket.messages),
  });
  reportServiceOutput([resources.api, resources.worker]);
  return correctness.pass ? 0 : 1;
}

await runBenchmark(main, [
  ['stopping the bare sender thread', () => resources.thread?.terminate()],
  ['stopping the worker process', () => resources.worker && stopService(resources.worker)],
  ['stopping the api process', () => resources.api && stopService(resources.api)],
  ['closing the SMTP sink', () => resources.sink?.close()],
  ...storageCleanupSteps(DATABASE, QUEUE_PREFIX, () => resources.tempDir),
]);
