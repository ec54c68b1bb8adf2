// Benchmark of the case register: registrations (gap-free numbering under load), FULLTEXT search
// and keyset pages over 100,000 cases and 300,000 documents, each compared with the same query run
// straight through mysql2. Run with `npm run bench:cases` (builds first) or
// `npx tsx test/bench/cases.bench.ts` against an existing build. See test/bench/README.md.
//
// It talks only to 127.0.0.1: MariaDB/MySQL on 3306 (root, no password), Redis on 6379 and the
// service it starts itself. Everything it creates (database remiss_bench, Redis keys
// remiss_bench:*, a temporary directory) is removed at the end unless BENCH_KEEP=1.

import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import {
  createConnection,
  createPool,
  type Connection,
  type Pool,
  type RowDataPacket,
} from 'mysql2/promise';

// ---------------------------------------------------------------------------------------------
// Settings

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a whole number ≥ 0 (got "${raw}")`);
  }
  return value;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN_JS = join(ROOT, 'dist/src/main.js');

const HOST = '127.0.0.1';
const MYSQL = { host: HOST, port: 3306, user: 'root', password: '' } as const;
const REDIS_URL = `redis://${HOST}:6379`;
const DATABASE = 'remiss_bench';
const QUEUE_PREFIX = 'remiss_bench';
const ADMIN = { email: 'admin@bench.se', password: 'bench-admin-password' };
const REGISTRAR = { email: 'registrator@bench.se', password: 'bench-registrar-password' };
const TIME_ZONE = 'Europe/Stockholm';

const SECONDS = Math.max(1, envInt('BENCH_SECONDS', 10));
const WARMUP_SECONDS = envInt('BENCH_WARMUP_SECONDS', 2);
const KEEP = process.env.BENCH_KEEP === '1';
const PREFERRED_PORT = envInt('BENCH_PORT', 3999);
const CASE_COUNT = Math.max(10, envInt('BENCH_CASES', 100_000));
const DOCUMENTS_PER_CASE = 3;
const SEED_YEARS = 10;
const BATCH_ROWS = 2_000;
const RARE_WORD = 'inkludering';
const RARE_SHARE = 0.01;
const CURSOR_DEPTH = 20;
const PAGE_LIMIT = 50;

const REGISTRATION_CONNECTIONS = 32;
const READ_CONNECTIONS = 50;
const RAW_POOL_SIZE = 10;
const RAW_LOOPS = 50;

const TARGETS = { registrationsPerSecond: 300, p99Ms: 50, apiToRaw: 0.5 } as const;

const HEALTH_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;
const HTTP_TIMEOUT_MS = 15_000;
const QUERY_TIMEOUT_MS = 10_000;

// The SQL the API runs for the two reads (src/cases/cases.service.ts, src/cases/case-search.ts).
const SEARCH_SQL =
  `SELECT * FROM case_record c WHERE MATCH(c.title, c.description) ` +
  `AGAINST ('+${RARE_WORD}*' IN BOOLEAN MODE) ORDER BY c.id DESC LIMIT ${PAGE_LIMIT + 1}`;
const CURSOR_SQL = `SELECT * FROM case_record c WHERE c.id < ? ORDER BY c.id DESC LIMIT ${PAGE_LIMIT + 1}`;

// ---------------------------------------------------------------------------------------------
// Output

const startedAt = performance.now();

function log(message: string): void {
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[bench ${seconds}s] ${message}\n`);
}

const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
const perSecond = (value: number, unit: string): string => `${value.toFixed(0)} ${unit}/s`;

// ---------------------------------------------------------------------------------------------
// Deterministic text for the seeded register

/** mulberry32: small, fast and reproducible, so every run seeds the same register. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const random = randomSource(envInt('BENCH_SEED', 20_261_122));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const between = (low: number, high: number): number =>
  low + Math.floor(random() * (high - low + 1));

/** A word list written as `a | b | c` across lines. */
const list = (text: string): readonly string[] =>
  text.split('|').map((item) => item.trim().replace(/\s+/g, ' '));
/** Column names separated by white space. */
const words = (text: string): readonly string[] => text.trim().split(/\s+/);

const PLANS = list(`
  översiktsplan | grönplan | kulturmiljöprogram | trafikstrategi | avfallsplan |
  bostadsförsörjningsprogram | vatten- och avloppsplan | klimatstrategi | energiplan | cykelplan |
  landsbygdsprogram | strategi för digitalisering
`);
const AREAS = list(`
  Norra hamnen | Kvarnbacken | centrala staden | Östra industriområdet | Sjöstaden | Lövängen |
  Björkhagen | stationsområdet | Västra skogen | Ängby | Kyrkbyn | Hagalund | Norrdalen |
  Solbacka
`);
const REFERRALS = list(`
  ändrade regler för skolskjuts |
  Trafikverkets förslag till nationell plan för transportinfrastrukturen |
  betänkandet En ny kommunallag | förslag till regional utvecklingsstrategi |
  Länsstyrelsens förslag till åtgärdsprogram för vattenförvaltning |
  promemorian Bemanning och kompetens i äldreomsorgen |
  förslag till ändringar i plan- och bygglagen | Socialstyrelsens föreskrifter om hemtjänst |
  förslag till strategi för tillgänglighet | regionens trafikförsörjningsprogram |
  förslag till ny taxa för bygglov | Boverkets vägledning om detaljplan och dagvatten
`);
const BUILDINGS = list(`
  nybyggnad av enbostadshus | tillbyggnad av förskola | ändrad användning av lokal |
  uppförande av skärmtak | rivning av ekonomibyggnad | nybyggnad av flerbostadshus |
  nybyggnad av komplementbyggnad | uppförande av mobilmast
`);
const PROPERTIES = list(`
  Ekorren | Björken | Mården | Hammaren | Lärkan | Kvarnen | Ugglan
`);
const SERVICES = list(`
  skolskjuts | måltidsservice | städtjänster | IT-drift | snöröjning | färdtjänst |
  fastighetsskötsel | kontorsmaterial | konsulttjänster inom detaljplanering |
  trygghetslarm för äldreomsorgen
`);
const PLAN_PURPOSES = list(`
  bostäder och förskola | verksamhetsområde | centrumutveckling | äldreboende | idrottshall
`);
const PROPOSALS = list(`
  fler laddstolpar i centrum | gratis kollektivtrafik för pensionärer |
  utökad skolskjuts på landsbygden | belysning längs gång- och cykelvägar |
  ökad bemanning inom äldreomsorgen | en hundrastgård i Solbacka |
  fler papperskorgar vid badplatser
`);
const REVISIONS = list(`
  riktlinjer för bostadsanpassning | delegationsordning för servicenämnden |
  taxa för plan- och byggverksamhet | reglemente för servicenämnden | attestreglemente |
  riktlinjer för upphandling
`);
const SUBJECTS = list(`
  bygglov | detaljplaneläggning | upphandling av ramavtal | skolskjutsverksamheten |
  äldreomsorgens kvalitet | barn- och ungdomsverksamhet | tillgänglighet i offentliga lokaler |
  digitalisering av ärendehanteringen | kollektivtrafikens utbyggnad | dagvattenhantering |
  energieffektivisering av kommunala fastigheter
`);
const DEPARTMENTS = list(`
  stadsbyggnadsförvaltningen | servicenämndens förvaltning | kommunledningskontoret |
  socialförvaltningen | utbildningsförvaltningen | miljöförvaltningen |
  kultur- och fritidsförvaltningen | tekniska förvaltningen
`);
const DECISIONS = list(`
  godkänner förslaget | lämnar yttrande i enlighet med förvaltningens förslag | avslår ansökan |
  beviljar bygglov med villkor | antar strategin | återremitterar ärendet för vidare utredning |
  tilldelar kontrakt enligt upphandlingens utvärdering | lägger informationen till handlingarna
`);
const GROUPS = list(`
  barn och unga | äldre | personer med funktionsnedsättning | näringsidkare | boende i området |
  föreningslivet | kommunens medarbetare
`);
const ASPECTS = list(`
  jämställdhet | miljö och klimat | trygghet | folkhälsa | kommunens ekonomi | tillgänglighet |
  social hållbarhet | barnets bästa
`);
const COUNTERPARTS = list(`
  Länsstyrelsen i Stockholms län | Trafikverket | Lantmäteriet | Region Stockholm | Skolverket |
  Boverket | Naturvårdsverket | Polismyndigheten | Miljö- och hälsoskyddsnämnden |
  Byggnadsnämnden | Socialnämnden | Fastighetsägarna Stockholm | Hyresgästföreningen |
  PRO Norrdalen | Norrdalens Energi AB
`);
const BODIES = list(`
  servicenämnden | kommunstyrelsen | kommunfullmäktige | arbetsutskottet
`);
const MONTHS = list(`
  januari | februari | mars | april | maj | juni | augusti | september
`);
const INCOMING_TITLES = list(`
  Remiss | Remissvar | Ansökan | Skrivelse | Kompletterande handlingar
`);
const OUTGOING_TITLES = list(`
  Yttrande | Beslut | Protokollsutdrag | Underrättelse om beslut
`);
const INTERNAL_TITLES = list(`
  Tjänsteskrivelse | Förvaltningens beslutsförslag | Utredning | PM
`);

function caseTitle(): string {
  switch (between(0, 7)) {
    case 0:
      return `Remiss av förslag till ${pick(PLANS)} för ${pick(AREAS)}`;
    case 1:
      return `Yttrande över ${pick(REFERRALS)}`;
    case 2:
      return `Ansökan om bygglov för ${pick(BUILDINGS)} på fastigheten ${pick(PROPERTIES)} ${between(1, 40)}:${between(1, 300)}`;
    case 3:
      return `Upphandling av ${pick(SERVICES)}`;
    case 4:
      return `Detaljplan för ${pick(AREAS)}, ${pick(PLAN_PURPOSES)}`;
    case 5:
      return `${pick(['Motion', 'Medborgarförslag'])} om ${pick(PROPOSALS)}`;
    case 6:
      return `Revidering av ${pick(REVISIONS)}`;
    default:
      return `Uppföljning av ${pick(SUBJECTS)} i ${pick(AREAS)}`;
  }
}

function caseDescription(year: number): string {
  const sentences = [
    `Ärendet avser ${pick(SUBJECTS)} och har beretts av ${pick(DEPARTMENTS)}.`,
    `Förslaget berör ${pick(GROUPS)} och har betydelse för ${pick(ASPECTS)}.`,
    `Remissen har skickats till ${pick(COUNTERPARTS)} för yttrande.`,
    `Kostnaden beräknas till ${between(50, 9_000)} tkr och ryms inom budgetramen för ${year}.`,
    `Ärendet ska behandlas i ${pick(BODIES)} den ${between(1, 28)} ${pick(MONTHS)} ${year}.`,
  ];
  // Fisher–Yates, then keep two to four of them.
  for (let index = sentences.length - 1; index > 0; index -= 1) {
    const other = between(0, index);
    [sentences[index], sentences[other]] = [sentences[other], sentences[index]];
  }
  const chosen = sentences.slice(0, between(2, 4));
  return `${chosen.join(' ')} Förvaltningen föreslår att nämnden ${pick(DECISIONS)}.`;
}

/** A case about inclusion: the rare search word goes in the title or in the description. */
function withRareWord(title: string, description: string): [string, string] {
  if (random() < 0.5) return [`Strategi för etnisk och kulturell ${RARE_WORD}`, description];
  return [
    title,
    `${description} Ärendet ingår i kommunens arbete med ${RARE_WORD} och delaktighet.`,
  ];
}

// ---------------------------------------------------------------------------------------------
// Database, Redis and files

async function serverConnection(database?: string): Promise<Connection> {
  return createConnection({
    ...MYSQL,
    database,
    charset: 'UTF8MB4_UNICODE_CI',
    timezone: 'Z',
    connectTimeout: 5_000,
  });
}

async function dropDatabase(): Promise<void> {
  const connection = await serverConnection();
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
  } finally {
    await connection.end();
  }
}

async function clearRedisKeys(): Promise<number> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  let removed = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${QUEUE_PREFIX}:*`, 'COUNT', 1_000);
      if (keys.length > 0) removed += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return removed;
}

function newestModification(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(
      newest,
      entry.isDirectory() ? newestModification(path) : statSync(path).mtimeMs,
    );
  }
  return newest;
}

/** Builds when there is no build; warns (but goes on) when src/ changed after the last build. */
function ensureBuilt(): void {
  if (!existsSync(MAIN_JS)) {
    log('dist/src/main.js is missing; running `npm run build` first');
    execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
    return;
  }
  const built = statSync(MAIN_JS).mtimeMs;
  const changed = Math.max(
    newestModification(join(ROOT, 'src')),
    newestModification(join(ROOT, 'migrations')),
  );
  if (changed > built) {
    log(
      'warning: src/ or migrations/ changed after the last build; run `npm run build` for current figures',
    );
  }
}

async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number): Promise<number | null> =>
    new Promise((resolvePort) => {
      const server = createServer();
      server.once('error', () => resolvePort(null));
      // Without a host, as the service listens: on every interface.
      server.listen(port, () => {
        const address = server.address();
        const bound = typeof address === 'object' && address ? address.port : null;
        server.close(() => resolvePort(bound));
      });
    });
  for (let port = preferred; port < preferred + 20; port += 1) {
    const bound = await tryPort(port);
    if (bound !== null) return bound;
  }
  const any = await tryPort(0);
  if (any === null) throw new Error('no free TCP port found');
  return any;
}

// ---------------------------------------------------------------------------------------------
// The service under test

interface Service {
  child: ChildProcess;
  baseUrl: string;
  exited: Promise<number | null>;
  logLines: () => number;
}

const FORWARDED_LOG_LINES = 20;

function startService(port: number, tempDir: string): Service {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: `mysql://root@${HOST}:3306/${DATABASE}`,
    REDIS_URL,
    QUEUE_PREFIX,
    PORT: String(port),
    PUBLIC_URL: `http://${HOST}:${port}`,
    APP_ROLE: 'all',
    MIGRATIONS_RUN: 'true',
    LOG_LEVEL: 'warn',
    STORAGE_DIR: join(tempDir, 'storage'),
    MAIL_DIR: join(tempDir, 'mail'),
    BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    LOGIN_RATE_LIMIT: '1000',
    // One HTTP process per core, as a production api container would run.
    HTTP_PROCESSES: String(envInt('BENCH_HTTP_PROCESSES', 2)),
    TZ_REGION: TIME_ZONE,
    // Nothing from the caller's environment may send mail or shift the clock.
    SMTP_URL: '',
    CLOCK_OFFSET: '',
  };
  const child = spawn(process.execPath, [MAIN_JS], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lines = 0;
  const forward = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines += 1;
      if (lines <= FORWARDED_LOG_LINES) process.stdout.write(`  [service] ${line}\n`);
      else if (lines === FORWARDED_LOG_LINES + 1) {
        process.stdout.write('  [service] … further service output is counted, not shown\n');
      }
    }
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exited = new Promise<number | null>((resolveExit) => {
    child.once('exit', (code) => resolveExit(code));
  });
  return { child, baseUrl: `http://${HOST}:${port}`, exited, logLines: () => lines };
}

async function waitForHealth(service: Service): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let exitCode: number | null | undefined;
  void service.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined)
      throw new Error(`the service exited with code ${exitCode} during start-up`);
    try {
      const response = await fetch(`${service.baseUrl}/health`, {
        signal: AbortSignal.timeout(2_000),
      });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }
  throw new Error(`GET /health did not answer 200 within ${HEALTH_TIMEOUT_MS / 1000} s`);
}

async function stopService(service: Service): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolveTimeout) =>
    setTimeout(() => resolveTimeout('timeout'), STOP_TIMEOUT_MS).unref(),
  );
  if ((await Promise.race([service.exited, timeout])) === 'timeout') {
    log(`the service did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM; sending SIGKILL`);
    service.child.kill('SIGKILL');
    await service.exited;
  }
}

async function api<T>(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  options: { token?: string; body?: unknown; expect?: number } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const text = await response.text();
  const expected = options.expect ?? (method === 'POST' ? 201 : 200);
  if (response.status !== expected) {
    throw new Error(
      `${method} ${path} answered ${response.status} (expected ${expected}): ${text}`,
    );
  }
  return JSON.parse(text) as T;
}

async function login(baseUrl: string, email: string, password: string): Promise<string> {
  const body = await api<{ accessToken: string }>(baseUrl, 'POST', '/api/auth/login', {
    body: { email, password },
    expect: 200,
  });
  return body.accessToken;
}

// ---------------------------------------------------------------------------------------------
// CPU use of the service, the database server, this process and everything else during a run.
// Linux only (/proc); elsewhere the shares read n/a.

interface CpuShare {
  service: number | null;
  database: number | null;
  bench: number;
  /** Every other process on the machine: these compete with the service for the cores. */
  other: number | null;
}

const CLOCK_TICKS = ((): number => {
  try {
    return Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU ticks of a process and its direct children (the service's HTTP processes). */
function processTicks(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  const ticks = (id: number): { ppid: number; ticks: number } | null => {
    try {
      const stat = readFileSync(`/proc/${id}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }; // utime + stime
    } catch {
      return null;
    }
  };
  const own = ticks(pid);
  if (!own) return null;
  let total = own.ticks;
  for (const id of processIds()) {
    const child = ticks(id);
    if (child && child.ppid === pid) total += child.ticks;
  }
  return total;
}

/** Busy ticks of the whole machine, summed over its cores (everything but idle and iowait). */
function machineTicks(): number | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1);
    const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
    return user + nice + system + irq + softirq + steal;
  } catch {
    return null;
  }
}

function processIds(): number[] {
  try {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number);
  } catch {
    return [];
  }
}

function processName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

function databasePid(): number | undefined {
  return processIds().find((pid) => ['mariadbd', 'mysqld'].includes(processName(pid)));
}

/** Starts measuring; the returned function gives CPU use in % of one core since the start. */
function cpuProbe(servicePid: number | undefined, dbPid: number | undefined): () => CpuShare {
  const wall = performance.now();
  const service = processTicks(servicePid);
  const database = processTicks(dbPid);
  const machine = machineTicks();
  const bench = process.cpuUsage();
  return () => {
    const seconds = (performance.now() - wall) / 1000;
    const share = (before: number | null, after: number | null): number | null =>
      before === null || after === null ? null : ((after - before) / CLOCK_TICKS / seconds) * 100;
    const own = process.cpuUsage(bench);
    const cpu: CpuShare = {
      service: share(service, processTicks(servicePid)),
      database: share(database, processTicks(dbPid)),
      bench: ((own.user + own.system) / 1e6 / seconds) * 100,
      other: null,
    };
    const total = share(machine, machineTicks());
    if (total !== null) {
      cpu.other = Math.max(0, total - (cpu.service ?? 0) - (cpu.database ?? 0) - cpu.bench);
    }
    return cpu;
  };
}

/**
 * Waits (at most 5 s) until the service is idle, so that the requests autocannon left open when it
 * stopped do not spill into the next run.
 */
async function settle(servicePid: number | undefined): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const before = processTicks(servicePid);
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
    const after = processTicks(servicePid);
    if (before === null || after === null) return;
    if ((after - before) / CLOCK_TICKS / 0.25 < 0.1) return;
  }
}

/**
 * Samples the machine for a second before anything starts; other busy processes take cores from
 * the service and the database and lower every figure, so they are named.
 */
async function reportBackgroundLoad(): Promise<void> {
  const before = new Map(processIds().map((pid) => [pid, processTicks(pid)]));
  const machine = machineTicks();
  const began = performance.now();
  await new Promise((resolveWait) => setTimeout(resolveWait, 1_000));
  const seconds = (performance.now() - began) / 1000;
  const after = machineTicks();
  if (machine === null || after === null) return;
  const busy = ((after - machine) / CLOCK_TICKS / seconds) * 100;
  log(`background CPU before the benchmark: ${busy.toFixed(0)}% of one core`);
  if (busy < 25) return;
  const busiest = [...before]
    .map(([pid, ticks]) => {
      const now = processTicks(pid);
      const used = ticks === null || now === null ? 0 : (now - ticks) / CLOCK_TICKS / seconds;
      return { pid, used: used * 100 };
    })
    .filter(({ pid, used }) => used >= 10 && pid !== process.pid)
    .sort((a, b) => b.used - a.used)
    .slice(0, 3)
    .map(({ pid, used }) => `${processName(pid)} (pid ${pid}) ${used.toFixed(0)}%`);
  log(
    `warning: the machine is already busy (${busiest.join(', ') || 'short-lived processes'}); ` +
      'it competes with the service and the database, so the figures will be lower than on an idle machine',
  );
}

const percent = (value: number | null): string => (value === null ? 'n/a' : `${value.toFixed(0)}%`);
const describeCpu = (cpu: CpuShare): string =>
  `service ${percent(cpu.service)}, mariadbd ${percent(cpu.database)}, ` +
  `bench ${percent(cpu.bench)}, other processes ${percent(cpu.other)}`;

// ---------------------------------------------------------------------------------------------
// Seeding

interface SeedResult {
  cases: number;
  documents: number;
  rareCases: number;
  seconds: number;
}

const CASE_COLUMNS = words(`
  id case_number series_code year sequence title description organisation_id officer_id
  classification confidential status closed_reason closed_at document_count registered_by
  version created_at updated_at
`);
const DOCUMENT_COLUMNS = words(`
  id case_id number document_number direction title counterpart document_date registered_at
  registered_by file_name mime_type size sha256 confidentiality
`);

type Row = (string | number | null)[];

const DAY_MS = 86_400_000;
const sqlInstant = (time: number): string =>
  new Date(time).toISOString().slice(0, 23).replace('T', ' ');
const sqlDay = (time: number): string => new Date(time).toISOString().slice(0, 10);

async function insertRows(
  connection: Connection,
  table: string,
  columns: readonly string[],
  rows: Row[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH_ROWS) {
    await connection.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ?`, [
      rows.slice(start, start + BATCH_ROWS),
    ]);
  }
}

/**
 * Seeds the SFN series of the ten years before the current one straight into the database, one
 * transaction per batch of cases together with their documents.
 */
async function seed(organisationId: number, currentYear: number): Promise<SeedResult> {
  const began = performance.now();
  const connection = await serverConnection(DATABASE);
  const firstYear = currentYear - SEED_YEARS;
  const perYear = Math.ceil(CASE_COUNT / SEED_YEARS);
  const lastValues = new Map<number, number>();
  let caseRows: Row[] = [];
  let documentRows: Row[] = [];
  let caseId = 0;
  let documentId = 0;
  let rareCases = 0;

  const flush = async (): Promise<void> => {
    if (caseRows.length === 0) return;
    await connection.beginTransaction();
    try {
      await insertRows(connection, 'case_record', CASE_COLUMNS, caseRows);
      await insertRows(connection, 'document', DOCUMENT_COLUMNS, documentRows);
      await connection.commit();
    } catch (error) {
      await connection.rollback();
      throw error;
    }
    caseRows = [];
    documentRows = [];
  };

  try {
    for (let year = firstYear; year < currentYear && caseId < CASE_COUNT; year += 1) {
      const yearStart = Date.UTC(year, 0, 1);
      const yearLength = Date.UTC(year + 1, 0, 1) - yearStart;
      const inYear = Math.min(perYear, CASE_COUNT - caseId);
      for (let sequence = 1; sequence <= inYear; sequence += 1) {
        caseId += 1;
        const caseNumber = `SFN ${year}/${String(sequence).padStart(4, '0')}`;
        // Registration times grow with the sequence, as they would have.
        const created = yearStart + Math.floor(((sequence - 1 + random()) / inYear) * yearLength);
        let title = caseTitle();
        let description = caseDescription(year);
        if (random() < RARE_SHARE) {
          [title, description] = withRareWord(title, description);
          rareCases += 1;
        }
        let registered = created;
        let lastRegistered = created;
        for (let number = 1; number <= DOCUMENTS_PER_CASE; number += 1) {
          documentId += 1;
          const direction =
            number === 1 ? 'incoming' : number === DOCUMENTS_PER_CASE ? 'outgoing' : 'internal';
          const counterpart = direction === 'internal' ? null : pick(COUNTERPARTS);
          const documentTitle =
            direction === 'incoming'
              ? `${pick(INCOMING_TITLES)} från ${counterpart}`
              : direction === 'outgoing'
                ? `${pick(OUTGOING_TITLES)} till ${counterpart}`
                : pick(INTERNAL_TITLES);
          const documentNumber = `${caseNumber}-${number}`;
          documentRows.push([
            documentId,
            caseId,
            number,
            documentNumber,
            direction,
            documentTitle,
            counterpart,
            sqlDay(registered - between(0, 3) * DAY_MS),
            sqlInstant(registered),
            null,
            `${documentNumber.replace(/[ /]/g, '-')}.pdf`,
            'application/pdf',
            between(20_000, 5_000_000),
            createHash('sha256').update(documentNumber).digest('hex'),
            null,
          ]);
          lastRegistered = registered;
          registered += between(1, 30) * DAY_MS;
        }
        caseRows.push([
          caseId,
          caseNumber,
          'SFN',
          year,
          sequence,
          title,
          description,
          organisationId,
          null,
          null,
          0,
          'open',
          null,
          null,
          DOCUMENTS_PER_CASE,
          null,
          1,
          sqlInstant(created),
          sqlInstant(lastRegistered),
        ]);
        lastValues.set(year, sequence);
        if (caseRows.length >= BATCH_ROWS) await flush();
      }
      log(`  seeded ${caseId.toLocaleString('en')} cases (through SFN ${year})`);
    }
    await flush();
    await connection.query(
      'INSERT INTO case_number_sequence (series_code, year, last_value) VALUES ?',
      [[...lastValues].map(([year, lastValue]) => ['SFN', year, lastValue])],
    );
    log('  ANALYZE TABLE case_record, document');
    await connection.query('ANALYZE TABLE case_record, document');
  } finally {
    await connection.end();
  }
  return {
    cases: caseId,
    documents: documentId,
    rareCases,
    seconds: (performance.now() - began) / 1000,
  };
}

// ---------------------------------------------------------------------------------------------
// Measurements

interface Measurement {
  perSecond: number;
  p50: number;
  p99: number;
  count: number;
  failures: number;
  cpu: CpuShare;
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
  pids: [number | undefined, number | undefined],
): Promise<{ measurement: Measurement; results: autocannon.Result[] }> {
  const results: autocannon.Result[] = [];
  if (WARMUP_SECONDS > 0) {
    await settle(pids[0]);
    log(`${name}: warming up for ${WARMUP_SECONDS} s`);
    results.push(await cannon(run, WARMUP_SECONDS));
  }
  await settle(pids[0]);
  log(`${name}: ${run.connections} connections for ${SECONDS} s`);
  const stop = cpuProbe(...pids);
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
  sql: string,
  values: unknown[],
  pids: [number | undefined, number | undefined],
): Promise<Measurement> {
  const loop = async (deadline: number, latencies: number[] | null): Promise<number> => {
    let failures = 0;
    while (performance.now() < deadline) {
      const began = performance.now();
      try {
        await pool.query({ sql, values, timeout: QUERY_TIMEOUT_MS });
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
    await settle(pids[0]);
    log(`${name}: warming up for ${WARMUP_SECONDS} s`);
    await runLoops(WARMUP_SECONDS, null);
  }
  await settle(pids[0]);
  log(`${name}: pool of ${RAW_POOL_SIZE}, ${RAW_LOOPS} loops for ${SECONDS} s`);
  const latencies: number[] = [];
  const stop = cpuProbe(...pids);
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
  const met = (ok: boolean): string => (ok ? 'yes' : 'NO');
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
  const headers: [string, string, string, string] = ['Measurement', 'Result', 'Target', 'Met'];
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]): string =>
    cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ');
  const { seed } = summary;
  const output = [
    '',
    `Summary (${SECONDS} s per run; ${seed.cases.toLocaleString('en')} cases, ` +
      `${seed.documents.toLocaleString('en')} documents seeded in ${seed.seconds.toFixed(1)} s; ` +
      `${seed.rareCases} cases mention "${RARE_WORD}")`,
    line(headers),
    widths.map((width) => '-'.repeat(width)).join('-|-'),
    ...rows.map(line),
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

function readCpuCount(): number | string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .filter((row) => row.startsWith('processor')).length;
  } catch {
    return 'unknown';
  }
}

// ---------------------------------------------------------------------------------------------
// Main

interface Resources {
  service?: Service;
  tempDir?: string;
  pool?: Pool;
}

const resources: Resources = {};
let cleanedUp: Promise<void> | null = null;

function cleanUp(): Promise<void> {
  cleanedUp ??= (async () => {
    const steps: [string, () => Promise<unknown>][] = [
      ['closing the mysql2 pool', async () => resources.pool?.end()],
      ['stopping the service', async () => resources.service && stopService(resources.service)],
      [
        KEEP ? `keeping database ${DATABASE} (BENCH_KEEP=1)` : `dropping database ${DATABASE}`,
        async () => (KEEP ? undefined : dropDatabase()),
      ],
      [
        `deleting Redis keys ${QUEUE_PREFIX}:*`,
        async () => log(`  removed ${await clearRedisKeys()} keys`),
      ],
      [
        'removing the temporary directory',
        () => {
          if (resources.tempDir) rmSync(resources.tempDir, { recursive: true, force: true });
          return Promise.resolve();
        },
      ],
    ];
    for (const [label, step] of steps) {
      log(`cleanup: ${label}`);
      try {
        await step();
      } catch (error) {
        log(`cleanup: ${label} failed: ${(error as Error).message}`);
      }
    }
  })();
  return cleanedUp;
}

function stockholmYear(): number {
  return Number(
    new Intl.DateTimeFormat('en', { timeZone: TIME_ZONE, year: 'numeric' }).format(new Date()),
  );
}

async function main(): Promise<number> {
  ensureBuilt();
  await reportBackgroundLoad();

  log(`dropping database ${DATABASE} if it exists and Redis keys ${QUEUE_PREFIX}:*`);
  await dropDatabase();
  await clearRedisKeys();
  resources.tempDir = mkdtempSync(join(tmpdir(), 'remiss-bench-'));

  const port = await freePort(PREFERRED_PORT);
  log(`starting node dist/src/main.js on port ${port}`);
  const service = startService(port, resources.tempDir);
  resources.service = service;
  await waitForHealth(service);
  log('GET /health answers 200');
  const pids: [number | undefined, number | undefined] = [service.child.pid, databasePid()];

  // Organisations and a registrar, through the API as the bootstrap admin.
  const { baseUrl } = service;
  const adminToken = await login(baseUrl, ADMIN.email, ADMIN.password);
  const organisation = (name: string, kind: 'council' | 'committee', seriesCode: string) =>
    api<{ id: number }>(baseUrl, 'POST', '/api/organisations', {
      token: adminToken,
      body: { name, kind, seriesCode },
    });
  const ks = await organisation('Kommunstyrelsen', 'council', 'KS');
  const sfn = await organisation('Servicenämnden', 'committee', 'SFN');
  await api(baseUrl, 'POST', '/api/users', {
    token: adminToken,
    body: {
      name: 'Rita Registrator',
      email: REGISTRAR.email,
      password: REGISTRAR.password,
      roles: ['registrar'],
      organisationIds: [ks.id, sfn.id],
    },
  });
  const token = await login(baseUrl, REGISTRAR.email, REGISTRAR.password);
  log(`created KS (id ${ks.id}), SFN (id ${sfn.id}) and a registrar; logged in as the registrar`);

  const currentYear = stockholmYear();
  log(
    `seeding ${CASE_COUNT.toLocaleString('en')} cases (SFN ${currentYear - SEED_YEARS}–${currentYear - 1}) ` +
      `and ${(CASE_COUNT * DOCUMENTS_PER_CASE).toLocaleString('en')} documents in batches of ${BATCH_ROWS}`,
  );
  const seeded = await seed(sfn.id, currentYear);
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
  const searchRaw = await benchRaw('search raw', resources.pool, SEARCH_SQL, [], pids);
  const cursorRaw = await benchRaw('cursor page raw', resources.pool, CURSOR_SQL, [afterId], pids);

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
  if (service.logLines() > 0)
    log(
      `the service wrote ${service.logLines()} lines of output (the first ${FORWARDED_LOG_LINES} are shown above)`,
    );
  return numbering.pass ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}

let exitCode = 2;
try {
  exitCode = await main();
} catch (error) {
  log(`failed: ${(error as Error).stack ?? String(error)}`);
} finally {
  await cleanUp();
}
log(`done, exit code ${exitCode}`);
process.exit(exitCode);
