// Benchmark of protocol extracts (protokollsutdrag): how many extracts of a two-page paragraph one
// service process answers per second, beside the same builder building the same document in one
// thread per core and doing nothing else (the ceiling), the two taking turns so that both meet the
// same load, and how long a 30-paragraph protocol takes. Run
// with `npm run bench:extracts` (builds first) or `npx tsx test/bench/extracts.bench.ts` against
// an existing build. See test/bench/README.md.
//
// It talks only to 127.0.0.1: MariaDB/MySQL on 3306 (root, no password), Redis on 6379 and the
// service it starts itself. Everything it creates (database remiss_bench_extracts, Redis keys
// remiss_bench_extracts:*, a temporary directory) is removed at the end; BENCH_KEEP=1 keeps the
// database.

import autocannon from 'autocannon';
import { execSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildProtocol, type ItemData, type WordWording } from '../../src/word/extract.docx.js';
import { ITEM_19, MEETING_19, protocolItems } from '../fixtures/paragraph-19.js';
import {
  api,
  databasePid,
  envInt,
  formatTable,
  freePort,
  log,
  login,
  loginAsAdmin,
  met,
  prepareRun,
  readCpuCount,
  reportServiceOutput,
  runBenchmark,
  serverConnection,
  settle,
  startService,
  stockholmDay,
  stopService,
  storageCleanupSteps,
  waitForHealth,
  type Service,
} from './support.js';

// ---------------------------------------------------------------------------------------------
// Settings

const DATABASE = 'remiss_bench_extracts';
const QUEUE_PREFIX = 'remiss_bench_extracts';
const SECONDS = Math.max(1, envInt('BENCH_SECONDS', 10));
const WARMUP_SECONDS = envInt('BENCH_WARMUP_SECONDS', 2);
const CONNECTIONS = Math.max(1, envInt('BENCH_CONNECTIONS', 4));
const BARE_THREADS = Math.max(1, envInt('BENCH_BARE_THREADS', availableParallelism()));
const SLICES = Math.max(1, envInt('BENCH_SLICES', 5));
const PROTOCOL_ITEMS = Math.max(1, envInt('BENCH_PROTOCOL_ITEMS', 30));
const PROTOCOL_RUNS = Math.max(1, envInt('BENCH_PROTOCOL_RUNS', 7));
const PREFERRED_PORT = envInt('BENCH_PORT', 3995);
const TARGET = { perSecond: 50, ratio: 0.8 } as const;
const CLERK = { email: 'sekreterare@bench.se', password: 'bench-clerk-password' };
const ROOT = resolve(import.meta.dirname, '../..');
const WORDING = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../templates/word/extract.json'), 'utf8'),
) as WordWording;

interface Resources {
  bareBuilders?: BareBuilders;
  service?: Service;
  tempDir?: string;
}

const resources: Resources = {};

interface Rate {
  perSecond: number;
  count: number;
  errors: number;
  p50: number;
  p99: number;
}

/** Completed requests or builds of one or more measured slices. */
interface Tally {
  times: number[];
  errors: number;
  seconds: number;
}

const emptyTally = (): Tally => ({ times: [], errors: 0, seconds: 0 });

function rateOf(tally: Tally): Rate {
  const times = [...tally.times].sort((a, b) => a - b);
  return {
    perSecond: times.length / tally.seconds,
    count: times.length,
    errors: tally.errors,
    p50: times[Math.floor(times.length / 2)] ?? NaN,
    p99: times[Math.floor(times.length * 0.99)] ?? NaN,
  };
}

// The body of each bare builder thread: one loop that builds the extract with the service's own
// build of the builder (dist/), for as many seconds as it is told, and answers with its times.
const BARE_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
import(workerData.builder).then(({ buildExtract }) => {
  const { meeting, item, wording } = workerData;
  parentPort.on('message', async (seconds) => {
    const times = [];
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      const started = performance.now();
      await buildExtract(meeting, item, wording, null);
      times.push(performance.now() - started);
    }
    parentPort.postMessage(times);
  });
  parentPort.postMessage('ready');
});
`;

/**
 * The bare builder: `BARE_THREADS` threads (one per core), each one CPU-bound loop building the
 * § 19 extract with the same builder, data and wording as the service. The builder zips
 * synchronously, so loops in one thread would only take turns on one core.
 */
class BareBuilders {
  private constructor(private readonly threads: Worker[]) {}

  static async start(count: number): Promise<BareBuilders> {
    const workerData = {
      builder: pathToFileURL(join(ROOT, 'dist/src/word/extract.docx.js')).href,
      meeting: { ...MEETING_19, adjustedOn: null },
      item: { ...ITEM_19, adjustedOn: null },
      wording: WORDING,
    };
    const threads = Array.from(
      { length: count },
      () => new Worker(BARE_THREAD, { eval: true, workerData }),
    );
    await Promise.all(threads.map((thread) => once(thread, 'message')));
    return new BareBuilders(threads);
  }

  async run(seconds: number, into: Tally): Promise<void> {
    const started = performance.now();
    const answers = await Promise.all(
      this.threads.map((thread) => {
        const answer = once(thread, 'message') as Promise<[number[]]>;
        thread.postMessage(seconds);
        return answer;
      }),
    );
    into.seconds += (performance.now() - started) / 1000;
    for (const [times] of answers) into.times.push(...times);
  }

  stop(): Promise<number[]> {
    return Promise.all(this.threads.map((thread) => thread.terminate()));
  }
}

/** autocannon for `seconds`, every answer's time added to `into` (non-2xx and errors counted). */
function cannon(url: string, token: string, seconds: number, into: Tally): Promise<void> {
  return new Promise((resolveRun, rejectRun) => {
    const started = performance.now();
    const instance = autocannon(
      {
        url,
        connections: CONNECTIONS,
        duration: seconds,
        headers: { authorization: `Bearer ${token}` },
      },
      (error, result) => {
        if (error) return rejectRun(error instanceof Error ? error : new Error(String(error)));
        into.seconds += (performance.now() - started) / 1000;
        into.errors += result.errors + result.timeouts;
        resolveRun();
      },
    );
    instance.on('response', (_client, status: number, _bytes, time: number) => {
      if (status >= 200 && status < 300) into.times.push(time);
      else into.errors += 1;
    });
  });
}

// ---------------------------------------------------------------------------------------------
// CPU per extract, from /proc: who spends the cores while the service answers

const CLOCK_TICKS = Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100;

/** utime + stime in ms of a process (`/proc/<pid>/stat`) or one of its threads. */
function cpuMs(path: string): number {
  try {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** Busy ms of the whole machine, all cores together. */
function machineMs(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return ((user + nice + system + irq + softirq + steal) * 1000) / CLOCK_TICKS;
}

interface CpuSample {
  serviceMain: number;
  service: number;
  database: number;
  bench: number;
  machine: number;
}

function sampleCpu(servicePid: number | undefined, databasePid: number | undefined): CpuSample {
  const bench = process.cpuUsage();
  return {
    serviceMain: servicePid ? cpuMs(`/proc/${servicePid}/task/${servicePid}/stat`) : NaN,
    service: servicePid ? cpuMs(`/proc/${servicePid}/stat`) : NaN,
    database: databasePid ? cpuMs(`/proc/${databasePid}/stat`) : NaN,
    bench: (bench.user + bench.system) / 1000,
    machine: machineMs(),
  };
}

/** CPU used between samples, summed over the measured slices. */
class CpuTally {
  readonly used: CpuSample = { serviceMain: 0, service: 0, database: 0, bench: 0, machine: 0 };

  async during(
    servicePid: number | undefined,
    databasePid: number | undefined,
    work: () => Promise<void>,
  ) {
    const before = sampleCpu(servicePid, databasePid);
    await work();
    const after = sampleCpu(servicePid, databasePid);
    for (const key of Object.keys(this.used) as (keyof CpuSample)[]) {
      this.used[key] += after[key] - before[key];
    }
  }

  /** ms of CPU per extract: the service's main thread, its other threads, the bench, MariaDB, the rest. */
  perExtract(count: number): Record<string, number> {
    const { serviceMain, service, database, bench, machine } = this.used;
    return {
      'service main thread': serviceMain / count,
      'service other threads': (service - serviceMain) / count,
      'bench (autocannon or bare threads)': bench / count,
      mariadbd: database / count,
      'other processes': (machine - service - bench - database) / count,
    };
  }
}

/** Sets up the organisation, a clerk, the case and the meeting with § 19, through the API. */
async function prepare(baseUrl: string): Promise<{
  token: string;
  caseId: number;
  meetingId: number;
  itemId: number;
  protocolMeetingId: number;
}> {
  const admin = await loginAsAdmin(baseUrl);
  const council = await api<{ id: number }>(baseUrl, 'POST', '/api/organisations', {
    token: admin,
    body: { name: 'Kommunstyrelsen', kind: 'council', seriesCode: 'KS' },
  });
  const utskott = await api<{ id: number }>(baseUrl, 'POST', '/api/organisations', {
    token: admin,
    body: { name: MEETING_19.organisation, kind: 'committee', parentId: council.id },
  });
  await api(baseUrl, 'POST', '/api/users', {
    token: admin,
    body: {
      name: MEETING_19.secretary,
      email: CLERK.email,
      password: CLERK.password,
      roles: ['clerk', 'registrar'],
      organisationIds: [council.id],
    },
  });
  const token = await login(baseUrl, CLERK.email, CLERK.password);
  const registered = await api<{ id: number }>(baseUrl, 'POST', '/api/cases', {
    token,
    body: { title: 'Strategi för etnisk och kulturell inkludering', organisationId: council.id },
  });
  const meetingBody = {
    organisationId: utskott.id,
    date: stockholmDay(-1),
    startsAt: MEETING_19.startsAt,
    place: MEETING_19.place,
    chair: MEETING_19.chair,
    secretary: MEETING_19.secretary,
    adjusters: MEETING_19.adjusters,
    present: MEETING_19.present,
    keptAt: MEETING_19.keptAt,
  };
  const itemBody = (item: ItemData) => ({
    title: item.title,
    caseId: registered.id,
    documents: item.documents,
    background: item.background,
    proposals: item.proposals,
    decisionProcess: item.decisionProcess,
    deliberation: item.deliberation,
    decision: item.decision,
    reservations: item.reservations,
    sendTo: item.sendTo,
  });
  const meeting = await api<{ id: number }>(baseUrl, 'POST', '/api/meetings', {
    token,
    body: meetingBody,
  });
  const item = await api<{ id: number }>(baseUrl, 'POST', `/api/meetings/${meeting.id}/items`, {
    token,
    body: itemBody(ITEM_19),
  });
  const protocol = await api<{ id: number }>(baseUrl, 'POST', '/api/meetings', {
    token,
    body: meetingBody,
  });
  for (const entry of protocolItems(PROTOCOL_ITEMS)) {
    await api(baseUrl, 'POST', `/api/meetings/${protocol.id}/items`, {
      token,
      body: itemBody(entry),
    });
  }
  return {
    token,
    caseId: registered.id,
    meetingId: meeting.id,
    itemId: item.id,
    protocolMeetingId: protocol.id,
  };
}

async function download(url: string, token: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
  return { ms: performance.now() - started, bytes: body.length };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fixed = (value: number, digits = 1) => value.toFixed(digits);

async function main(): Promise<number> {
  resources.tempDir = await prepareRun({
    watched: ['src', 'migrations', 'templates'],
    database: DATABASE,
    queuePrefix: QUEUE_PREFIX,
    tempPrefix: 'remiss-bench-extracts-',
  });
  log(`cores: ${readCpuCount()} (available parallelism ${availableParallelism()})`);

  const protocolBare: number[] = [];
  const items = protocolItems(PROTOCOL_ITEMS).map((item) => ({ ...item, adjustedOn: null }));
  for (let run = 0; run < PROTOCOL_RUNS; run += 1) {
    const started = performance.now();
    await buildProtocol({ ...MEETING_19, adjustedOn: null }, items, WORDING, null);
    protocolBare.push(performance.now() - started);
  }

  const port = await freePort(PREFERRED_PORT);
  log(`starting node dist/src/main.js (one HTTP process, APP_ROLE=api) on port ${port}`);
  const service = startService({
    name: 'api',
    label: 'the api process',
    port,
    database: DATABASE,
    queuePrefix: QUEUE_PREFIX,
    tempDir: resources.tempDir,
    env: { APP_ROLE: 'api' },
  });
  resources.service = service;
  await waitForHealth(service);
  const setup = await prepare(service.baseUrl);
  const base = `${service.baseUrl}/api/meetings`;
  const extractUrl = `${base}/${setup.meetingId}/items/${setup.itemId}/extract.docx`;
  const servicePid = service.child.pid;
  const mariadbPid = await databasePid();

  // (a) and (b) take turns in short slices, so that both meet the same load from the rest of a
  // shared machine; the service is idle while the bare threads build.
  const bareBuilders = await BareBuilders.start(BARE_THREADS);
  resources.bareBuilders = bareBuilders;
  const slice = Math.max(1, Math.round(SECONDS / SLICES));
  log(
    `(a) bare builder in ${BARE_THREADS} threads and (b) GET the draft extract (built per request) ` +
      `with ${CONNECTIONS} connections, taking turns: ${SLICES} × ${slice} s each`,
  );
  await bareBuilders.run(Math.min(2, SECONDS), emptyTally());
  if (WARMUP_SECONDS > 0) await cannon(extractUrl, setup.token, WARMUP_SECONDS, emptyTally());
  const bareTally = emptyTally();
  const draftTally = emptyTally();
  const bareCpu = new CpuTally();
  const draftCpu = new CpuTally();
  for (let turn = 0; turn < SLICES; turn += 1) {
    await settle(servicePid);
    await bareCpu.during(servicePid, mariadbPid, () => bareBuilders.run(slice, bareTally));
    await draftCpu.during(servicePid, mariadbPid, () =>
      cannon(extractUrl, setup.token, slice, draftTally),
    );
  }
  await bareBuilders.stop();
  resources.bareBuilders = undefined;
  const bare = rateOf(bareTally);
  const draft = rateOf(draftTally);
  log(
    `    bare:    ${fixed(bare.perSecond)} extracts/s, p50 ${fixed(bare.p50)} ms, p99 ${fixed(bare.p99)} ms`,
  );
  log(
    `    service: ${fixed(draft.perSecond)} extracts/s, p50 ${fixed(draft.p50)} ms, p99 ${fixed(draft.p99)} ms, errors ${draft.errors}`,
  );
  const cpuRows = Object.entries(draftCpu.perExtract(draft.count)).map(([who, ms]) => [
    who,
    `${fixed(bareCpu.perExtract(bare.count)[who], 2)} ms`,
    `${fixed(ms, 2)} ms`,
  ]);
  const cpuTable = formatTable(['CPU per extract', 'bare builder', 'service'], cpuRows);

  await api(service.baseUrl, 'POST', `/api/meetings/${setup.meetingId}/adjust`, {
    token: setup.token,
    body: {},
    expect: 200,
  });
  await settle(service.child.pid);
  log(`(c) GET the final extract (registered once, then served from storage), ${SECONDS} s`);
  const finalTally = emptyTally();
  if (WARMUP_SECONDS > 0) await cannon(extractUrl, setup.token, WARMUP_SECONDS, finalTally);
  finalTally.times = [];
  finalTally.seconds = 0;
  await cannon(extractUrl, setup.token, SECONDS, finalTally);
  const final = rateOf(finalTally);
  log(
    `    ${fixed(final.perSecond)} extracts/s, p50 ${fixed(final.p50)} ms, p99 ${fixed(final.p99)} ms, errors ${final.errors}`,
  );
  const connection = await serverConnection(DATABASE);
  let registered = -1;
  try {
    const [rows] = await connection.query(
      "SELECT COUNT(*) AS n FROM document WHERE case_id = ? AND direction = 'outgoing' AND title LIKE 'Protokollsutdrag%'",
      [setup.caseId],
    );
    registered = Number((rows as { n: number }[])[0].n);
  } finally {
    await connection.end();
  }

  log(`(d) GET the ${PROTOCOL_ITEMS}-paragraph protocol ${PROTOCOL_RUNS} times`);
  const protocolUrl = `${base}/${setup.protocolMeetingId}/protocol.docx`;
  const protocolRuns: { ms: number; bytes: number }[] = [];
  for (let run = 0; run < PROTOCOL_RUNS; run += 1) {
    protocolRuns.push(await download(protocolUrl, setup.token));
  }

  const ratio = draft.perSecond / bare.perSecond;
  const correct = registered === 1 && draft.errors === 0 && final.errors === 0;
  const rows = [
    [
      `bare builder, ${BARE_THREADS} threads (ceiling)`,
      `${fixed(bare.perSecond)}/s`,
      `${fixed(bare.p50)} / ${fixed(bare.p99)} ms`,
      '',
    ],
    [
      `service, draft extract (${CONNECTIONS} connections)`,
      `${fixed(draft.perSecond)}/s`,
      `${fixed(draft.p50)} / ${fixed(draft.p99)} ms`,
      `≥ ${TARGET.perSecond}/s: ${met(draft.perSecond >= TARGET.perSecond)}`,
    ],
    [
      'service ÷ bare builder',
      `${fixed(ratio, 2)}×`,
      '',
      `≥ ${TARGET.ratio}×: ${met(ratio >= TARGET.ratio)}`,
    ],
    [
      'service, final extract (stored)',
      `${fixed(final.perSecond)}/s`,
      `${fixed(final.p50)} / ${fixed(final.p99)} ms`,
      `registered ${registered}×: ${met(registered === 1)}`,
    ],
    [
      `${PROTOCOL_ITEMS}-paragraph protocol, service`,
      `${fixed(median(protocolRuns.map((run) => run.ms)), 0)} ms median`,
      `${fixed(Math.max(...protocolRuns.map((run) => run.ms)), 0)} ms max`,
      `${fixed(protocolRuns[0].bytes / 1024)} kB`,
    ],
    [
      `${PROTOCOL_ITEMS}-paragraph protocol, builder only`,
      `${fixed(median(protocolBare), 0)} ms median`,
      `${fixed(Math.max(...protocolBare), 0)} ms max`,
      '',
    ],
  ];
  process.stdout.write(
    `\nProtocol extracts, ${SECONDS} s runs\n${formatTable(['measurement', 'rate / time', 'p50 / p99', 'target'], rows).join('\n')}\n` +
      `correctness (no errors, final extract registered exactly once): ${correct ? 'PASS' : 'FAIL'}\n\n` +
      `${cpuTable.join('\n')}\n\n`,
  );
  reportServiceOutput([service]);
  return correct ? 0 : 1;
}

await runBenchmark(main, [
  ['stopping the bare builder threads', () => resources.bareBuilders?.stop()],
  ['stopping the api process', () => resources.service && stopService(resources.service)],
  ...storageCleanupSteps(DATABASE, QUEUE_PREFIX, () => resources.tempDir),
]);
