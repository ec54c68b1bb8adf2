// Benchmark of protocol extracts (protokollsutdrag): how many extracts of a two-page paragraph one
// service process answers per second, beside a bare loop that builds the same document with the
// same builder and nothing else (the ceiling), and how long a 30-paragraph protocol takes. Run
// with `npm run bench:extracts` (builds first) or `npx tsx test/bench/extracts.bench.ts` against
// an existing build. See test/bench/README.md.
//
// It talks only to 127.0.0.1: MariaDB/MySQL on 3306 (root, no password), Redis on 6379 and the
// service it starts itself. Everything it creates (database remiss_bench_extracts, Redis keys
// remiss_bench_extracts:*, a temporary directory) is removed at the end; BENCH_KEEP=1 keeps the
// database.

import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  buildExtract,
  buildProtocol,
  type ItemData,
  type WordWording,
} from '../../src/word/extract.docx.js';
import { ITEM_19, MEETING_19, protocolItems } from '../fixtures/paragraph-19.js';
import {
  api,
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
const PROTOCOL_ITEMS = Math.max(1, envInt('BENCH_PROTOCOL_ITEMS', 30));
const PROTOCOL_RUNS = Math.max(1, envInt('BENCH_PROTOCOL_RUNS', 7));
const PREFERRED_PORT = envInt('BENCH_PORT', 3995);
const TARGET = { perSecond: 50, ratio: 0.8 } as const;
const CLERK = { email: 'sekreterare@bench.se', password: 'bench-clerk-password' };
const WORDING = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../templates/word/extract.json'), 'utf8'),
) as WordWording;

interface Resources {
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

/**
 * The § 19 extract built in this process by `CONNECTIONS` loops at once (the builder yields while
 * it zips, so one loop alone would leave the core idle): the same builder, data and wording.
 */
async function bareLoop(seconds: number): Promise<Rate> {
  const item: ItemData = { ...ITEM_19, adjustedOn: null };
  const meeting = { ...MEETING_19, adjustedOn: null };
  const times: number[] = [];
  const end = performance.now() + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      await buildExtract(meeting, item, WORDING, null);
      times.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return {
    perSecond: times.length / elapsed,
    count: times.length,
    errors: 0,
    p50: times[Math.floor(times.length / 2)],
    p99: times[Math.floor(times.length * 0.99)],
  };
}

async function cannon(url: string, token: string, seconds: number): Promise<Rate> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    perSecond: result['2xx'] / seconds,
    count: result['2xx'],
    errors: result.non2xx + result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

async function measureService(url: string, token: string): Promise<Rate> {
  if (WARMUP_SECONDS > 0) await cannon(url, token, WARMUP_SECONDS);
  return cannon(url, token, SECONDS);
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
  log(`cores: ${readCpuCount()}`);

  log(`(a) bare loop: building the § 19 extract in ${CONNECTIONS} loops for ${SECONDS} s`);
  await bareLoop(Math.min(2, SECONDS));
  const bare = await bareLoop(SECONDS);
  log(
    `    ${fixed(bare.perSecond)} extracts/s, p50 ${fixed(bare.p50)} ms, p99 ${fixed(bare.p99)} ms`,
  );
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

  await settle(service.child.pid);
  log(
    `(b) GET the draft extract (built per request) with ${CONNECTIONS} connections, ${SECONDS} s`,
  );
  const draft = await measureService(extractUrl, setup.token);
  log(
    `    ${fixed(draft.perSecond)} extracts/s, p50 ${draft.p50} ms, p99 ${draft.p99} ms, errors ${draft.errors}`,
  );

  await api(service.baseUrl, 'POST', `/api/meetings/${setup.meetingId}/adjust`, {
    token: setup.token,
    body: {},
    expect: 200,
  });
  await settle(service.child.pid);
  log(`(c) GET the final extract (registered once, then served from storage), ${SECONDS} s`);
  const final = await measureService(extractUrl, setup.token);
  log(
    `    ${fixed(final.perSecond)} extracts/s, p50 ${final.p50} ms, p99 ${final.p99} ms, errors ${final.errors}`,
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
      `bare builder, ${CONNECTIONS} loops (ceiling)`,
      `${fixed(bare.perSecond)}/s`,
      `${fixed(bare.p50)} / ${fixed(bare.p99)} ms`,
      '',
    ],
    [
      `service, draft extract (${CONNECTIONS} connections)`,
      `${fixed(draft.perSecond)}/s`,
      `${draft.p50} / ${draft.p99} ms`,
      `≥ ${TARGET.perSecond}/s: ${met(draft.perSecond >= TARGET.perSecond)}`,
    ],
    [
      'service ÷ bare loop',
      `${fixed(ratio, 2)}×`,
      '',
      `≥ ${TARGET.ratio}×: ${met(ratio >= TARGET.ratio)}`,
    ],
    [
      'service, final extract (stored)',
      `${fixed(final.perSecond)}/s`,
      `${final.p50} / ${final.p99} ms`,
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
      `correctness (no errors, final extract registered exactly once): ${correct ? 'PASS' : 'FAIL'}\n\n`,
  );
  reportServiceOutput([service]);
  return correct ? 0 : 1;
}

await runBenchmark(main, [
  ['stopping the api process', () => resources.service && stopService(resources.service)],
  ...storageCleanupSteps(DATABASE, QUEUE_PREFIX, () => resources.tempDir),
]);
