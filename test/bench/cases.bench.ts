// Benchmark of the case register: registrations (gap-free numbering under load), FULLTEXT search
// and keyset pages over 100,000 cases and 300,000 documents, each compared with the same query run
// straight through mysql2. Run with `npm run bench:cases` (builds first) or
// `npx tsx test/bench/cases.bench.ts` against an existing build. See test/bench/README.md.
//
// It talks only to 127.0.0.1: MariaDB/MySQL on 3306 (root, no password), Redis on 6379 and the
// service it starts itself. Everything it creates (database remiss_bench, Redis keys
// remiss_bench:*, a temporary directory) is removed at the end unless BENCH_KEEP=1.

import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { createPool, type Connection, type Pool, type RowDataPacket } from 'mysql2/promise';
import {
  caseRowsOf,
  MAX_EXPANSION,
  prefixPattern,
  termSearchSql,
} from '../../src/cases/case-search.js';
import { CASE_ROW_COLUMNS } from '../../src/cases/dto/case.dto.js';
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
  MYSQL,
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
  type CpuShares,
  type Service,
} from './support.js';
import {
  BATCH_ROWS,
  CASE_COUNT,
  DOCUMENTS_PER_CASE,
  RARE_WORD,
  SEED_YEARS,
  seedRegister,
  type SeedResult,
} from './register-seed.js';

// ---------------------------------------------------------------------------------------------
// Settings

const DATABASE = 'remiss_bench';
const QUEUE_PREFIX = 'remiss_bench';

const SECONDS = Math.max(1, envInt('BENCH_SECONDS', 10));
const WARMUP_SECONDS = envInt('BENCH_WARMUP_SECONDS', 2);
const PREFERRED_PORT = envInt('BENCH_PORT', 3999);
const CURSOR_DEPTH = 20;
const PAGE_LIMIT = 50;

const REGISTRATION_CONNECTIONS = 32;
const READ_CONNECTIONS = 50;
const RAW_POOL_SIZE = 10;
const RAW_LOOPS = 50;

const TARGETS = { registrationsPerSecond: 300, p99Ms: 50, apiToRaw: 0.5 } as const;

const QUERY_TIMEOUT_MS = 10_000;

// The SQL the API runs for the two reads (src/cases/cases.service.ts, src/cases/case-search.ts).
/**
 * The service's search, statement for statement: expand the word to its terms, read each term's
 * run newest first up to a page and load the page's columns in the same statement.
 */
async function rawSearch(pool: Pool): Promise<void> {
  const [terms] = await pool.query<RowDataPacket[]>({
    sql: 'SELECT term FROM case_search_term WHERE term LIKE ? GROUP BY term LIMIT ?',
    values: [prefixPattern(RARE_WORD), MAX_EXPANSION + 1],
    timeout: QUERY_TIMEOUT_MS,
  });
  const search = caseRowsOf(
    termSearchSql(
      terms.map((row) => String(row.term)),
      [],
      { hideConfidential: false },
      PAGE_LIMIT + 1,
    ),
    CASE_ROW_COLUMNS,
  );
  await pool.query({ sql: search.sql, values: search.parameters, timeout: QUERY_TIMEOUT_MS });
}

const CURSOR_SQL = `SELECT ${CASE_ROW_COLUMNS} FROM case_record c WHERE c.id < ? ORDER BY c.id DESC LIMIT ${PAGE_LIMIT + 1}`;

// ---------------------------------------------------------------------------------------------
// Output

const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
const perSecond = (value: number, unit: string): string => `${value.toFixed(0)} ${unit}/s`;

/** CPU use of the service (with its HTTP processes), mariadbd, this process and the rest. */
const describeCpu = (cpu: CpuShares): string => describeShares(cpu, 'other processes');

/** The processes whose CPU each run reports. */
interface ServicePids extends Record<string, number | undefined> {
  service: number | undefined;
  mariadbd: number | undefined;
}

/** The service serves from forked HTTP processes, so their CPU counts as its own. */
const settleService = (pid: number | undefined): Promise<void> =>
  settle(pid, { idleShare: 0.1, withChildren: true });

// ---------------------------------------------------------------------------------------------
// Measurements

interface Measurement {
  perSecond: number;
  p50: number;
  p99: number;
  count: number;
  failures: number;
  cpu: CpuShares;
}

interface HttpRun {
  url: string;
  connections: number;
  token: string;
  method?: 'GET' | 'POST';
  body?: string;
}

async function cannon(run: HttpRun, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: run.url,
    method: run.method ?? 'GET',
    connections: run.connections,
    duration: seconds,
    headers: {
      authorization: `Bearer ${run.token}`,
      ...(run.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: run.body,
    // Latency percentiles of successful answers only; failures are counted separately.
    excludeErrorStats: true,
  });
}

/** An optional warm-up, then the measured autocannon run. */
async function benchHttp(
  name: string,
  run: HttpRun,
  pids: ServicePids,
): Promise<{ measurement: Measurement; results: autocannon.Result[] }> {
  const results: autocannon.Result[] = [];
  if (WARMUP_SECONDS > 0) {
    await settleService(pids.service);
    log(`${name}: warming up for ${WARMUP_SECONDS} s`);
    results.push(await cannon(run, WARMUP_SECONDS));
  }
  await settleService(pids.service);
  log(`${name}: ${run.connections} connections for ${SECONDS} s`);
  const stop = cpuProbe(pids, { withChildren: true });
  const result = await cannon(run, SECONDS);
  const cpu = stop();
  results.push(result);
  const failures = result.non2xx + result.errors;
  const measurement: Measurement = {
    perSecond: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    count: result['2xx'],
    failures,
    cpu,
  };
  const codes = Object.entries(result.statusCodeStats ?? {})
    .map(([code, stats]) => `${code}×${stats.count ?? 0}`)
    .join(' ');
  log(
    `${name}: ${perSecond(measurement.perSecond, 'req')} (2xx), p50 ${ms(measurement.p50)}, ` +
      `p99 ${ms(measurement.p99)}; non-2xx ${result.non2xx}, errors ${result.errors}, ` +
      `timeouts ${result.timeouts}; status ${codes || 'none'}; CPU ${describeCpu(cpu)}`,
  );
  return { measurement, results };
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** The same query through a mysql2 pool, from RAW_LOOPS concurrent loops. */
async function benchRaw(
  name: string,
  pool: Pool,
  work: (pool: Pool) => Promise<unknown>,
  pids: ServicePids,
): Promise<Measurement> {
  const loop = async (deadline: number, latencies: number[] | null): Promise<number> => {
    let failures = 0;
    while (performance.now() < deadline) {
      const began = performance.now();
      try {
        await work(pool);
        latencies?.push(performance.now() - began);
      } catch {
        failures += 1;
      }
    }
    return failures;
  };
  const runLoops = async (seconds: number, latencies: number[] | null): Promise<number> => {
    const deadline = performance.now() + seconds * 1000;
    const failures = await Promise.all(
      Array.from({ length: RAW_LOOPS }, () => loop(deadline, latencies)),
    );
    return failures.reduce((sum, value) => sum + value, 0);
  };

  if (WARMUP_SECONDS > 0) {
    await settleService(pids.service);
    log(`${name}: warming up for ${WARMUP_SECONDS} s`);
    await runLoops(WARMUP_SECONDS, null);
  }
  await settleService(pids.service);
  log(`${name}: pool of ${RAW_POOL_SIZE}, ${RAW_LOOPS} loops for ${SECONDS} s`);
  const latencies: number[] = [];
  const stop = cpuProbe(pids, { withChildren: true });
  const began = performance.now();
  const failures = await runLoops(SECONDS, latencies);
  const elapsed = (performance.now() - began) / 1000;
  const cpu = stop();
  const sorted = Float64Array.from(latencies).sort();
  const measurement: Measurement = {
    perSecond: latencies.length / elapsed,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    count: latencies.length,
    failures,
    cpu,
  };
  log(
    `${name}: ${perSecond(measurement.perSecond, 'q')}, p50 ${ms(measurement.p50)}, ` +
      `p99 ${ms(measurement.p99)}; failures ${failures}; CPU ${describeCpu(cpu)}`,
  );
  return measurement;
}

interface NumberingCheck {
  pass: boolean;
  detail: string;
}

/** What the registration runs were told: 201 answers, and requests still open when they ended. */
interface RegistrationAnswers {
  created: number;
  unanswered: number;
}

function registrationAnswers(results: autocannon.Result[]): RegistrationAnswers {
  let created = 0;
  let unanswered = 0;
  for (const result of results) {
    created += result.statusCodeStats?.['201']?.count ?? 0;
    // autocannon closes its sockets when the time is up; the service still finishes (and commits)
    // what it had already received, but those answers are never read.
    unanswered += Math.max(0, result.requests.sent - result.requests.total);
  }
  return { created, unanswered };
}

/** Waits (at most 15 s) until the number of KS cases has stopped growing. */
async function settledKsCount(connection: Connection): Promise<number> {
  const deadline = Date.now() + 15_000;
  let previous = -1;
  let stable = 0;
  while (Date.now() < deadline) {
    const [rows] = await connection.query<RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM case_record WHERE series_code = 'KS'",
    );
    const count = Number(rows[0].n);
    stable = count === previous ? stable + 1 : 0;
    if (stable >= 4) return count;
    previous = count;
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }
  return previous;
}

/**
 * KS numbers must be exactly 1..N per year (count = max = distinct, the sequence row at N), and
 * N must be the number of 201 answers, give or take the requests autocannon left unanswered.
 */
async function checkNumbering(answers: RegistrationAnswers): Promise<NumberingCheck> {
  const connection = await serverConnection(DATABASE);
  try {
    const settled = await settledKsCount(connection);
    const [years] = await connection.query<RowDataPacket[]>(
      `SELECT c.year AS year, COUNT(*) AS n, COUNT(DISTINCT c.sequence) AS distinctSequences,
              MIN(c.sequence) AS first, MAX(c.sequence) AS last, s.last_value AS lastValue
         FROM case_record c
         LEFT JOIN case_number_sequence s ON s.series_code = c.series_code AND s.year = c.year
        WHERE c.series_code = 'KS'
        GROUP BY c.year, s.last_value
        ORDER BY c.year`,
    );
    const problems: string[] = [];
    let total = 0;
    for (const row of years) {
      const [n, distinct, first, last, lastValue] = [
        Number(row.n),
        Number(row.distinctSequences),
        Number(row.first),
        Number(row.last),
        Number(row.lastValue),
      ];
      total += n;
      if (first !== 1 || n !== last || n !== distinct || lastValue !== last) {
        problems.push(
          `KS ${row.year}: count ${n}, distinct ${distinct}, min ${first}, max ${last}, sequence row ${lastValue}`,
        );
      }
    }
    if (total !== settled) problems.push(`the KS count moved from ${settled} to ${total}`);
    const { created, unanswered } = answers;
    if (total < created || total > created + unanswered) {
      problems.push(
        `${total} KS cases in the database, but ${created} answers 201 and ${unanswered} unanswered requests`,
      );
    }
    const ranges = years.map((row) => `KS ${row.year}: 1..${row.last}`).join(', ') || 'no KS cases';
    const accounting =
      total === created
        ? `N = ${total} = the 201 answers`
        : `N = ${total} = ${created} answers 201 + ${total - created} of the ${unanswered} ` +
          'requests still open when autocannon stopped (committed, answer not read)';
    return problems.length === 0
      ? { pass: true, detail: `${ranges}; no duplicates or gaps; ${accounting}` }
      : { pass: false, detail: problems.join('; ') };
  } finally {
    await connection.end();
  }
}

function cursorId(cursor: string): number {
  const position: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Array.isArray(position) || typeof position[0] !== 'number') {
    throw new Error(`unexpected cursor ${cursor}`);
  }
  return position[0];
}

/** Follows nextCursor page by page and returns the cursor that page `depth` hands out. */
async function cursorAfterPage(baseUrl: string, token: string, depth: number): Promise<string> {
  let cursor: string | null = null;
  for (let page = 1; page <= depth; page += 1) {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const body: { nextCursor: string | null } = await api(
      baseUrl,
      'GET',
      `/api/cases?limit=${PAGE_LIMIT}${query}`,
      {
        token,
      },
    );
    if (body.nextCursor === null) throw new Error(`the register ended at page ${page}`);
    cursor = body.nextCursor;
  }
  if (cursor === null) throw new Error('no cursor');
  return cursor;
}

// ---------------------------------------------------------------------------------------------
// Summary

interface Summary {
  seed: SeedResult;
  registrations: Measurement;
  numbering: NumberingCheck;
  searchApi: Measurement;
  searchRaw: Measurement;
  cursorApi: Measurement;
  cursorRaw: Measurement;
  cursorPage: number;
}

function printSummary(summary: Summary): void {
  const http = (m: Measurement, unit = 'req'): string =>
    `${perSecond(m.perSecond, unit)}, p50 ${ms(m.p50)}, p99 ${ms(m.p99)}`;
  const searchRatio = summary.searchApi.perSecond / summary.searchRaw.perSecond;
  const cursorRatio = summary.cursorApi.perSecond / summary.cursorRaw.perSecond;
  const rows: [string, string, string, string][] = [
    [
      `Registrations POST /api/cases (${REGISTRATION_CONNECTIONS} conn.)`,
      `${http(summary.registrations)}; non-2xx+errors ${summary.registrations.failures}`,
      `≥ ${TARGETS.registrationsPerSecond} req/s`,
      met(summary.registrations.perSecond >= TARGETS.registrationsPerSecond),
    ],
    [
      'Case numbering (KS, current year)',
      summary.numbering.pass ? 'PASS' : 'FAIL',
      '1..N, no gaps',
      met(summary.numbering.pass),
    ],
    [
      `Search API ?q=${RARE_WORD} (${READ_CONNECTIONS} conn.)`,
      http(summary.searchApi),
      `p99 ≤ ${TARGETS.p99Ms} ms`,
      met(summary.searchApi.p99 <= TARGETS.p99Ms && summary.searchApi.failures === 0),
    ],
    [
      `Search raw mysql2 (pool ${RAW_POOL_SIZE}, ${RAW_LOOPS} loops)`,
      http(summary.searchRaw, 'q'),
      '',
      '',
    ],
    [
      'Search API ÷ raw',
      `${searchRatio.toFixed(2)}×`,
      `≥ ${TARGETS.apiToRaw}×`,
      met(searchRatio >= TARGETS.apiToRaw),
    ],
    [
      `Cursor page ${summary.cursorPage} API (${READ_CONNECTIONS} conn.)`,
      http(summary.cursorApi),
      `p99 ≤ ${TARGETS.p99Ms} ms`,
      met(summary.cursorApi.p99 <= TARGETS.p99Ms && summary.cursorApi.failures === 0),
    ],
    [
      `Cursor page raw mysql2 (pool ${RAW_POOL_SIZE}, ${RAW_LOOPS} loops)`,
      http(summary.cursorRaw, 'q'),
      '',
      '',
    ],
    [
      'Cursor page API ÷ raw',
      `${cursorRatio.toFixed(2)}×`,
      `≥ ${TARGETS.apiToRaw}×`,
      met(cursorRatio >= TARGETS.apiToRaw),
    ],
  ];
  const { seed } = summary;
  const output = [
    '',
    `Summary (${SECONDS} s per run; ${seed.cases.toLocaleString('en')} cases, ` +
      `${seed.documents.toLocaleString('en')} documents seeded in ${seed.seconds.toFixed(1)} s; ` +
      `${seed.rareCases} cases mention "${RARE_WORD}")`,
    ...formatTable(['Measurement', 'Result', 'Target', 'Met'], rows),
    '',
    'CPU during each measured run (100% = one core, the machine has ' +
      `${String(readCpuCount())}):`,
    `  registrations     ${describeCpu(summary.registrations.cpu)}`,
    `  search API        ${describeCpu(summary.searchApi.cpu)}`,
    `  search raw        ${describeCpu(summary.searchRaw.cpu)}`,
    `  cursor page API   ${describeCpu(summary.cursorApi.cpu)}`,
    `  cursor page raw   ${describeCpu(summary.cursorRaw.cpu)}`,
    `Numbering: ${summary.numbering.detail}`,
    '',
  ];
  process.stdout.write(output.join('\n') + '\n');
}

// ---------------------------------------------------------------------------------------------
// Main

interface Resources {
  service?: Service;
  tempDir?: string;
  pool?: Pool;
}

const resources: Resources = {};

async function main(): Promise<number> {
  resources.tempDir = await prepareRun({
    watched: ['src', 'migrations'],
    database: DATABASE,
    queuePrefix: QUEUE_PREFIX,
    tempPrefix: 'remiss-bench-',
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
    // One HTTP process per core, as a production api container would run.
    env: { HTTP_PROCESSES: String(envInt('BENCH_HTTP_PROCESSES', 2)) },
  });
  resources.service = service;
  await waitForHealth(service);
  log('GET /health answers 200');
  const pids: ServicePids = { service: service.child.pid, mariadbd: await databasePid() };

  // Organisations and a registrar, through the API as the bootstrap admin.
  const { baseUrl } = service;
  const adminToken = await loginAsAdmin(baseUrl);
  const ks = await createOrganisation(baseUrl, adminToken, {
    name: 'Kommunstyrelsen',
    kind: 'council',
    seriesCode: 'KS',
  });
  const sfn = await createOrganisation(baseUrl, adminToken, {
    name: 'Servicenämnden',
    kind: 'committee',
    seriesCode: 'SFN',
  });
  const token = await createRegistrar(baseUrl, adminToken, [ks.id, sfn.id]);
  log(`created KS (id ${ks.id}), SFN (id ${sfn.id}) and a registrar; logged in as the registrar`);

  const currentYear = Number(stockholmDay(0).slice(0, 4));
  log(
    `seeding ${CASE_COUNT.toLocaleString('en')} cases (SFN ${currentYear - SEED_YEARS}–${currentYear - 1}) ` +
      `and ${(CASE_COUNT * DOCUMENTS_PER_CASE).toLocaleString('en')} documents in batches of ${BATCH_ROWS}`,
  );
  const seeded = await seedRegister({
    database: DATABASE,
    organisationId: sfn.id,
    currentYear,
    cases: CASE_COUNT,
  });
  log(
    `seeded ${seeded.cases.toLocaleString('en')} cases and ${seeded.documents.toLocaleString('en')} documents ` +
      `in ${seeded.seconds.toFixed(1)} s; ${seeded.rareCases} cases mention "${RARE_WORD}"`,
  );

  // (a) Registrations.
  const registration = await benchHttp(
    'registrations',
    {
      url: `${baseUrl}/api/cases`,
      method: 'POST',
      body: JSON.stringify({ title: 'Bänkärende', organisationId: ks.id }),
      connections: REGISTRATION_CONNECTIONS,
      token,
    },
    pids,
  );
  const numbering = await checkNumbering(registrationAnswers(registration.results));
  log(`numbering check: ${numbering.pass ? 'PASS' : 'FAIL'} (${numbering.detail})`);

  // (b) Search and (c) a cursor page some way into the register.
  const searchApi = await benchHttp(
    'search API',
    { url: `${baseUrl}/api/cases?q=${RARE_WORD}`, connections: READ_CONNECTIONS, token },
    pids,
  );
  const cursor = await cursorAfterPage(baseUrl, token, CURSOR_DEPTH);
  const afterId = cursorId(cursor);
  log(`cursor after page ${CURSOR_DEPTH}: ${cursor} (id < ${afterId})`);
  const cursorApi = await benchHttp(
    'cursor page API',
    {
      url: `${baseUrl}/api/cases?limit=${PAGE_LIMIT}&cursor=${encodeURIComponent(cursor)}`,
      connections: READ_CONNECTIONS,
      token,
    },
    pids,
  );

  // (d) The same two queries straight through mysql2.
  resources.pool = createPool({
    ...MYSQL,
    database: DATABASE,
    connectionLimit: RAW_POOL_SIZE,
    charset: 'UTF8MB4_UNICODE_CI',
    timezone: 'Z',
    dateStrings: ['DATE'],
  });
  const searchRaw = await benchRaw('search raw', resources.pool, rawSearch, pids);
  const cursorRaw = await benchRaw(
    'cursor page raw',
    resources.pool,
    (pool) => pool.query({ sql: CURSOR_SQL, values: [afterId], timeout: QUERY_TIMEOUT_MS }),
    pids,
  );

  printSummary({
    seed: seeded,
    registrations: registration.measurement,
    numbering,
    searchApi: searchApi.measurement,
    searchRaw,
    cursorApi: cursorApi.measurement,
    cursorRaw,
    cursorPage: CURSOR_DEPTH + 1,
  });
  reportServiceOutput([service]);
  return numbering.pass ? 0 : 1;
}

await runBenchmark(main, [
  ['closing the mysql2 pool', () => resources.pool?.end()],
  ['stopping the service', () => resources.service && stopService(resources.service)],
  ...storageCleanupSteps(DATABASE, QUEUE_PREFIX, () => resources.tempDir),
]);
