// Benchmark of the staff pages: the register search (/cases?q=…), a list page some way into the
// register (/cases, page 21, reached through the "Nästa" links) and one round with 300 consultees
// (/rounds/:id), a committee respondent's inbox with 50 remisser (/inbox) and a meeting with 40
// paragraphs (/meetings/:id), each with 10 connections on a register of 100,000 cases and 300,000
// documents, signed in through the login form. Run with `npm run bench:pages` (builds first) or
// `npx tsx test/bench/pages.bench.ts` against an existing build. See test/bench/README.md.
//
// It talks only to 127.0.0.1: MariaDB/MySQL on 3306 (root, no password), Redis on 6379 and the
// service it starts itself. Everything it creates (database remiss_bench_pages, Redis keys
// remiss_bench_pages:*, a temporary directory) is removed at the end unless BENCH_KEEP=1.

import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { pdf } from '../helpers/files.js';
import {
  CASE_COUNT,
  DOCUMENTS_PER_CASE,
  RARE_WORD,
  SEED_YEARS,
  seedRegister,
  type SeedResult,
} from './register-seed.js';
import {
  api,
  cpuProbe,
  createOrganisation,
  createRegistrar,
  databasePid,
  describeCpu as describeShares,
  envInt,
  formatTable,
  freePort,
  log,
  loginAsAdmin,
  met,
  prepareRun,
  readCpuCount,
  REGISTRAR,
  reportServiceOutput,
  runBenchmark,
  settle,
  startService,
  stockholmDay,
  stopService,
  storageCleanupSteps,
  waitForHealth,
  type CpuShares,
  type Service,
} from './support.js';
import { CLERK, RESPONDENT, seedInbox, seedMeeting } from './pages-desk-seed.js';
import { getPage, listPagePath, PageMissing, signInThroughForm } from './web-pages.js';

// ---------------------------------------------------------------------------------------------
// Settings

const DATABASE = 'remiss_bench_pages';
const QUEUE_PREFIX = 'remiss_bench_pages';

const SECONDS = Math.max(1, envInt('BENCH_SECONDS', 10));
const WARMUP_SECONDS = envInt('BENCH_WARMUP_SECONDS', 2);
const PREFERRED_PORT = envInt('BENCH_PORT', 3994);
const CONSULTEES = Math.max(1, envInt('BENCH_CONSULTEES', 300));
/** Remisser in the respondent's inbox, and paragraphs in the clerk's meeting. */
const INBOX_ROUNDS = Math.max(1, envInt('BENCH_INBOX_ROUNDS', 50));
const MEETING_ITEMS = Math.max(1, envInt('BENCH_MEETING_ITEMS', 40));
/** Every ANSWER_EVERY-th consultee has answered. */
const ANSWER_EVERY = 3;
const CURSOR_PAGE = 21;
const CONNECTIONS = 10;
const SETUP_CONCURRENCY = 8;

const TARGETS = { p95Ms: 100 } as const;

const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
const count = (value: number): string => value.toLocaleString('en');
const describeCpu = (cpu: CpuShares): string => describeShares(cpu, 'other processes');

interface ServicePids extends Record<string, number | undefined> {
  service: number | undefined;
  mariadbd: number | undefined;
}

// ---------------------------------------------------------------------------------------------
// The round: one case in KS, sent to CONSULTEES committees, every third of which has answered

/** Runs `work` over `items`, `limit` at a time, keeping the order of the results. */
async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

interface SeededRound {
  roundId: number;
  consultees: number;
  answered: number;
  seconds: number;
}

async function seedRound(
  baseUrl: string,
  adminToken: string,
  token: string,
  ownerId: number,
): Promise<SeededRound> {
  const began = performance.now();
  const width = String(CONSULTEES).length;
  const organisations = await inParallel(
    Array.from({ length: CONSULTEES }, (_, index) => index + 1),
    SETUP_CONCURRENCY,
    (number) => {
      const padded = String(number).padStart(width, '0');
      // Committees and companies, as a municipality's own round would go to.
      const kind = number % 4 === 0 ? 'company' : 'committee';
      return api<{ id: number }>(baseUrl, 'POST', '/api/organisations', {
        token: adminToken,
        body: {
          name: `${kind === 'company' ? 'Bolag' : 'Nämnd'} ${padded}`,
          kind,
          email: `registrator-${padded}@remissinstans.bench.example`,
        },
      });
    },
  );
  const registered = await api<{ id: number; caseNumber: string }>(baseUrl, 'POST', '/api/cases', {
    token,
    body: { title: 'Översiktsplan 2040 för Exempel kommun', organisationId: ownerId },
  });
  const form = new FormData();
  form.append('title', 'Samrådsförslag översiktsplan 2040');
  form.append('direction', 'outgoing');
  form.append(
    'file',
    new Blob([new Uint8Array(pdf('Samrådsförslag översiktsplan 2040'))], {
      type: 'application/pdf',
    }),
    'Samrådsförslag översiktsplan 2040.pdf',
  );
  const document = await api<{ id: number }>(
    baseUrl,
    'POST',
    `/api/cases/${registered.id}/documents`,
    { token, form },
  );
  const round = await api<{ id: number }>(baseUrl, 'POST', `/api/cases/${registered.id}/rounds`, {
    token,
    body: {
      title: 'Remiss: Översiktsplan 2040',
      deadline: stockholmDay(30),
      documentIds: [document.id],
      recipientOrganisationIds: organisations.map((organisation) => organisation.id),
      sections: [
        { ref: '1', title: 'Bostäder' },
        { ref: '2', title: 'Kommunikationer' },
      ],
    },
  });
  await api(baseUrl, 'POST', `/api/rounds/${round.id}/send`, {
    token,
    expect: 200,
    timeoutMs: 120_000,
  });
  const answering = organisations.filter((_, index) => index % ANSWER_EVERY === 0);
  // Answers that came by e-mail, registered by the registrar with the mail's PDF.
  const scan = pdf('Yttrande över översiktsplan 2040');
  await inParallel(answering, SETUP_CONCURRENCY, (organisation, index) => {
    const answer = new FormData();
    answer.append('organisationId', String(organisation.id));
    answer.append('position', index % 2 === 0 ? 'approve' : 'approve_with_comments');
    answer.append('summary', 'Vi har inget att invända mot planens inriktning.');
    answer.append('receivedVia', 'email');
    answer.append(
      'files',
      new Blob([new Uint8Array(scan)], { type: 'application/pdf' }),
      'Yttrande.pdf',
    );
    return api(baseUrl, 'POST', `/api/rounds/${round.id}/responses`, { token, form: answer });
  });
  return {
    roundId: round.id,
    consultees: organisations.length,
    answered: answering.length,
    seconds: (performance.now() - began) / 1000,
  };
}

// ---------------------------------------------------------------------------------------------
// Measurements

interface Measurement {
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  count: number;
  failures: number;
  statuses: string;
  cpu: CpuShares;
}

function percentile(sorted: readonly number[], share: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))];
}

/** One autocannon run with the session cookie; latencies of the 200 answers, per request. */
function cannon(
  url: string,
  cookie: string,
  seconds: number,
): Promise<{ result: autocannon.Result; latencies: number[] }> {
  return new Promise((resolveRun, rejectRun) => {
    const latencies: number[] = [];
    const instance = autocannon(
      {
        url,
        connections: CONNECTIONS,
        duration: seconds,
        headers: { cookie, accept: 'text/html' },
        excludeErrorStats: true,
      },
      (error: unknown, result: autocannon.Result) =>
        error
          ? rejectRun(error instanceof Error ? error : new Error('autocannon failed'))
          : resolveRun({ result, latencies }),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode === 200) latencies.push(responseTime);
    });
  });
}

async function benchPage(
  name: string,
  baseUrl: string,
  path: string,
  cookie: string,
  pids: ServicePids,
): Promise<Measurement> {
  // One plain request first: a page that is missing or refuses the session stops the run here.
  await getPage(baseUrl, path, cookie);
  const url = `${baseUrl}${path}`;
  if (WARMUP_SECONDS > 0) {
    await settle(pids.service, { idleShare: 0.1, withChildren: true });
    log(`${name}: warming up for ${WARMUP_SECONDS} s`);
    await cannon(url, cookie, WARMUP_SECONDS);
  }
  await settle(pids.service, { idleShare: 0.1, withChildren: true });
  log(`${name}: GET ${path} with ${CONNECTIONS} connections for ${SECONDS} s`);
  const stop = cpuProbe(pids, { withChildren: true });
  const { result, latencies } = await cannon(url, cookie, SECONDS);
  const cpu = stop();
  latencies.sort((a, b) => a - b);
  const statuses = Object.entries(result.statusCodeStats ?? {})
    .map(([code, stats]) => `${code}×${stats.count ?? 0}`)
    .join(' ');
  const measurement: Measurement = {
    perSecond: latencies.length / result.duration,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    p99: percentile(latencies, 0.99),
    count: latencies.length,
    failures: result.non2xx + result.errors + result.timeouts,
    statuses: statuses || 'none',
    cpu,
  };
  log(
    `${name}: ${measurement.perSecond.toFixed(0)} req/s (200), p50 ${ms(measurement.p50)}, ` +
      `p95 ${ms(measurement.p95)}, p99 ${ms(measurement.p99)}; non-2xx ${result.non2xx}, ` +
      `errors ${result.errors}, timeouts ${result.timeouts}; status ${measurement.statuses}; ` +
      `CPU ${describeCpu(cpu)}`,
  );
  return measurement;
}

// ---------------------------------------------------------------------------------------------
// Summary

function printSummary(
  seed: SeedResult,
  round: SeededRound,
  runs: readonly [string, Measurement][],
): boolean {
  const passed = (m: Measurement): boolean => m.p95 < TARGETS.p95Ms && m.failures === 0;
  const rows = runs.map(([label, m]) => [
    label,
    `${m.perSecond.toFixed(0)} req/s, p50 ${ms(m.p50)}, p95 ${ms(m.p95)}, p99 ${ms(m.p99)}; ` +
      `failures ${m.failures}`,
    `p95 < ${TARGETS.p95Ms} ms`,
    met(passed(m)),
  ]);
  const output = [
    '',
    `Summary (${SECONDS} s per run, ${CONNECTIONS} connections; ${count(seed.cases)} cases, ` +
      `${count(seed.documents)} documents seeded in ${seed.seconds.toFixed(1)} s; round ` +
      `${round.roundId} with ${round.consultees} consultees, ${round.answered} answered)`,
    ...formatTable(['Page', 'Result', 'Target', 'Met'], rows),
    '',
    'CPU during each measured run (100% = one core, the machine has ' +
      `${String(readCpuCount())}):`,
    ...runs.map(([label, m]) => `  ${label.padEnd(24)} ${describeCpu(m.cpu)}`),
    '',
    runs.every(([, m]) => passed(m)) ? 'PASS: every page p95 < 100 ms' : 'FAIL: see Met above',
    '',
  ];
  process.stdout.write(output.join('\n') + '\n');
  return runs.every(([, m]) => passed(m));
}

// ---------------------------------------------------------------------------------------------
// Main

interface Resources {
  service?: Service;
  tempDir?: string;
}

const resources: Resources = {};

async function main(): Promise<number> {
  resources.tempDir = await prepareRun({
    watched: ['src', 'migrations', 'templates'],
    database: DATABASE,
    queuePrefix: QUEUE_PREFIX,
    tempPrefix: 'remiss-bench-pages-',
  });
  const port = await freePort(PREFERRED_PORT);
  log(`starting node dist/src/main.js on port ${port}`);
  const service = startService({
    name: 'service',
    label: 'the service',
    port,
    database: DATABASE,
    queuePrefix: QUEUE_PREFIX,
    tempDir: resources.tempDir,
    env: { HTTP_PROCESSES: String(envInt('BENCH_HTTP_PROCESSES', 2)) },
  });
  resources.service = service;
  await waitForHealth(service);
  log('GET /health answers 200');
  const pids: ServicePids = { service: service.child.pid, mariadbd: await databasePid() };

  const { baseUrl } = service;
  const adminToken = await loginAsAdmin(baseUrl);
  const ks = await createOrganisation(baseUrl, adminToken, {
    name: 'Kommunstyrelsen',
    kind: 'council',
    seriesCode: 'KS',
    email: 'kommunstyrelsen@bench.example',
  });
  const sfn = await createOrganisation(baseUrl, adminToken, {
    name: 'Servicenämnden',
    kind: 'committee',
    seriesCode: 'SFN',
    email: 'servicenamnden@bench.example',
  });
  const token = await createRegistrar(baseUrl, adminToken, [ks.id, sfn.id]);
  log(`created KS (id ${ks.id}), SFN (id ${sfn.id}) and a registrar`);

  const currentYear = Number(stockholmDay(0).slice(0, 4));
  log(
    `seeding ${count(CASE_COUNT)} cases (SFN ${currentYear - SEED_YEARS}–${currentYear - 1}) ` +
      `and ${count(CASE_COUNT * DOCUMENTS_PER_CASE)} documents`,
  );
  const seeded = await seedRegister({
    database: DATABASE,
    organisationId: sfn.id,
    currentYear,
    cases: CASE_COUNT,
  });
  log(
    `seeded ${count(seeded.cases)} cases and ${count(seeded.documents)} documents in ` +
      `${seeded.seconds.toFixed(1)} s; ${seeded.rareCases} cases mention "${RARE_WORD}"`,
  );
  const round = await seedRound(baseUrl, adminToken, token, ks.id);
  log(
    `round ${round.roundId}: ${round.consultees} consultees, ${round.answered} answered, ` +
      `through the API in ${round.seconds.toFixed(1)} s`,
  );

  const inbox = await seedInbox(baseUrl, adminToken, token, ks.id, sfn.id, INBOX_ROUNDS);
  log(
    `inbox: ${inbox.rounds} remisser to Servicenämnden, ${inbox.answered} answered, in ` +
      `${inbox.seconds.toFixed(1)} s`,
  );
  const meeting = await seedMeeting(baseUrl, adminToken, token, ks.id, MEETING_ITEMS);
  log(
    `meeting ${meeting.meetingId}: ${meeting.items} paragraphs in ${meeting.seconds.toFixed(1)} s`,
  );

  const cookie = await signInThroughForm(baseUrl, REGISTRAR.email, REGISTRAR.password);
  log('signed in as the registrar through the login form');

  const runs: [string, Measurement][] = [];
  runs.push([
    `/cases?q=${RARE_WORD}`,
    await benchPage('search', baseUrl, `/cases?q=${RARE_WORD}`, cookie, pids),
  ]);
  const deep = await listPagePath(baseUrl, '/cases', CURSOR_PAGE, cookie);
  log(`page ${CURSOR_PAGE} of /cases: ${deep}`);
  runs.push([
    `/cases page ${CURSOR_PAGE}`,
    await benchPage(`/cases page ${CURSOR_PAGE}`, baseUrl, deep, cookie, pids),
  ]);
  runs.push([
    `/rounds/:id (${round.consultees})`,
    await benchPage('round', baseUrl, `/rounds/${round.roundId}`, cookie, pids),
  ]);
  const respondent = await signInThroughForm(baseUrl, RESPONDENT.email, RESPONDENT.password);
  runs.push([
    `/inbox (${inbox.rounds})`,
    await benchPage('inbox', baseUrl, '/inbox', respondent, pids),
  ]);
  const clerk = await signInThroughForm(baseUrl, CLERK.email, CLERK.password);
  runs.push([
    `/meetings/:id (${meeting.items} §§)`,
    await benchPage('meeting', baseUrl, `/meetings/${meeting.meetingId}`, clerk, pids),
  ]);

  const passed = printSummary(seeded, round, runs);
  reportServiceOutput([service]);
  return passed ? 0 : 1;
}

async function mainReportingMissingPages(): Promise<number> {
  try {
    return await main();
  } catch (error) {
    if (!(error instanceof PageMissing)) throw error;
    log(`FAIL: ${error.message}`);
    return 3;
  }
}

await runBenchmark(mainReportingMissingPages, [
  ['stopping the service', () => resources.service && stopService(resources.service)],
  ...storageCleanupSteps(DATABASE, QUEUE_PREFIX, () => resources.tempDir),
]);
