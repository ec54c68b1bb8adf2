// What the benchmarks in this folder share: settings from the environment, the local MariaDB and
// Redis, the built service as child processes, HTTP calls, CPU and memory from /proc, output, and
// cleanup on every way out. Each *.bench.ts keeps only what it measures. See test/bench/README.md.
//
// Everything here talks only to 127.0.0.1: MariaDB/MySQL on 3306 (root, no password), Redis on
// 6379 and the service processes a benchmark starts.

import { execSync, spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import {
  createConnection,
  type Connection,
  type ConnectionOptions,
  type RowDataPacket,
} from 'mysql2/promise';

// ---------------------------------------------------------------------------------------------
// Settings

/** A whole number ≥ 0 from the environment; unset or blank gives the fallback. */
export function envInt(name: string, fallback: number): number {
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

export const HOST = '127.0.0.1';
export const MYSQL = { host: HOST, port: 3306, user: 'root', password: '' } as const;
const REDIS_URL = `redis://${HOST}:6379`;
export const ADMIN = { email: 'admin@bench.se', password: 'bench-admin-password' };
export const REGISTRAR = { email: 'registrator@bench.se', password: 'bench-registrar-password' };
export const TIME_ZONE = 'Europe/Stockholm';
/** BENCH_KEEP=1 keeps the benchmark's database afterwards. */
const KEEP = process.env.BENCH_KEEP === '1';

const HEALTH_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;
const HTTP_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// Output

const startedAt = performance.now();

/** One line on stdout, prefixed with the seconds since the benchmark started. */
export function log(message: string): void {
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[bench ${seconds}s] ${message}\n`);
}

export const sleep = (time: number): Promise<void> =>
  new Promise((resolveSleep) => setTimeout(resolveSleep, time));

/** The Met column of a summary: `NO` stands out. */
export const met = (ok: boolean): string => (ok ? 'yes' : 'NO');

const percent = (value: number | null): string => (value === null ? 'n/a' : `${value.toFixed(0)}%`);

/** A plain-text table: the header line, a rule and one line per row, columns padded to fit. */
export function formatTable(headers: readonly string[], rows: readonly string[][]): string[] {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ');
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('-|-'), ...rows.map(line)];
}

export function readCpuCount(): number | string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .filter((row) => row.startsWith('processor')).length;
  } catch {
    return 'unknown';
  }
}

/** Today + `days` in Stockholm, as YYYY-MM-DD. */
export function stockholmDay(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
  const [year, month, day] = today.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Database, Redis, build and ports

/** A mysql2 connection that reads and writes instants as UTC, as the service does. */
export async function serverConnection(
  database?: string,
  options: ConnectionOptions = {},
): Promise<Connection> {
  return createConnection({
    ...MYSQL,
    database,
    charset: 'UTF8MB4_UNICODE_CI',
    timezone: 'Z',
    connectTimeout: 5_000,
    ...options,
  });
}

async function dropDatabase(database: string): Promise<void> {
  const connection = await serverConnection();
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
  } finally {
    await connection.end();
  }
}

/**
 * Multi-row INSERTs of `chunk` rows each (mysql2 expands `VALUES ?`): seeding straight into the
 * tables takes seconds where the API would take minutes.
 */
export async function insertRows(
  connection: Connection,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
  chunk = 1_000,
): Promise<void> {
  for (let start = 0; start < rows.length; start += chunk) {
    await connection.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ?`, [
      rows.slice(start, start + chunk),
    ]);
  }
}

/** The name and address of committee `number` in a seeded directory, numbered to `width`. */
export function committee(number: number, width: number): { name: string; address: string } {
  const padded = String(number).padStart(width, '0');
  return {
    name: `Remissinstans ${padded}`,
    address: `registrator-${padded}@remissinstans.bench.example`,
  };
}

/** A short-lived Redis connection; errors surface through the commands, not as events. */
export async function withRedis<T>(use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

/** Deletes the keys `<prefix>:*` (the service's queues); returns how many there were. */
function clearRedisKeys(prefix: string): Promise<number> {
  return withRedis(async (redis) => {
    let removed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
      if (keys.length > 0) removed += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    return removed;
  });
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

/** `a/`, `a/ or b/`, `a/, b/ or c/`. */
function folders(names: readonly string[]): string {
  const shown = names.map((name) => `${name}/`);
  return shown.length < 2 ? shown.join('') : `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`;
}

/**
 * Builds when there is no build; warns (but goes on) when one of the `watched` folders changed
 * after the last build, since the figures would then be those of the old code.
 */
function ensureBuilt(watched: readonly string[]): void {
  if (!existsSync(MAIN_JS)) {
    log('dist/src/main.js is missing; running `npm run build` first');
    execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
    return;
  }
  const built = statSync(MAIN_JS).mtimeMs;
  const changed = Math.max(...watched.map((folder) => newestModification(join(ROOT, folder))));
  if (changed > built) {
    log(
      `warning: ${folders(watched)} changed after the last build; run \`npm run build\` for current figures`,
    );
  }
}

/** The preferred port if it is free, else one of the next 19, else any free port. */
export async function freePort(preferred: number): Promise<number> {
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

/**
 * The start of every benchmark: checks the build (`watched` folders, see ensureBuilt), reports
 * the background load, removes what an earlier (interrupted) run may have left (the database and
 * the Redis keys) and makes a new temporary directory, which it returns.
 */
export async function prepareRun(options: {
  watched: readonly string[];
  database: string;
  queuePrefix: string;
  tempPrefix: string;
}): Promise<string> {
  const { database, queuePrefix } = options;
  ensureBuilt(options.watched);
  await reportBackgroundLoad();
  log(`dropping database ${database} if it exists and Redis keys ${queuePrefix}:*`);
  await dropDatabase(database);
  await clearRedisKeys(queuePrefix);
  return mkdtempSync(join(tmpdir(), options.tempPrefix));
}

/** The subject and bodies of a mail as the service stored them. */
export interface OutboxMail {
  subject: string;
  text: string;
  html: string;
}

/** The first mail in the outbox, to send or write the same bytes outside the service. */
export async function firstOutboxMail(database: string): Promise<OutboxMail> {
  const connection = await serverConnection(database);
  try {
    const [rows] = await connection.query<RowDataPacket[]>(
      'SELECT subject, text_body, html_body FROM mail_outbox ORDER BY id LIMIT 1',
    );
    if (rows.length === 0) throw new Error('the outbox is empty');
    return {
      subject: String(rows[0].subject),
      text: String(rows[0].text_body),
      html: String(rows[0].html_body),
    };
  } finally {
    await connection.end();
  }
}

// ---------------------------------------------------------------------------------------------
// The service under test: `node dist/src/main.js` as child processes

export interface Service {
  /** Prefix of its forwarded output lines, e.g. `api`. */
  name: string;
  /** How messages name it, e.g. `the api process`. */
  label: string;
  child: ChildProcess;
  baseUrl: string;
  exited: Promise<number | null>;
  logLines: () => number;
}

export interface ServiceOptions {
  name: string;
  label: string;
  port: number;
  database: string;
  queuePrefix: string;
  /** Storage and mail files go below it. */
  tempDir: string;
  /** Added to (or replacing) the defaults below. */
  env?: NodeJS.ProcessEnv;
}

const FORWARDED_LOG_LINES = 20;

/** Every service started, so that none outlives the benchmark (see runBenchmark). */
const started = new Set<Service>();

export function isRunning(service: Service | undefined): service is Service {
  return !!service && service.child.exitCode === null && service.child.signalCode === null;
}

/**
 * Starts the service with its own database, queue prefix and files, a bootstrap admin,
 * `LOG_LEVEL=warn`, `MIGRATIONS_RUN=true` and one HTTP process. The first FORWARDED_LOG_LINES
 * lines of its output are shown; the rest are counted.
 */
export function startService(options: ServiceOptions): Service {
  const { name, port, tempDir } = options;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: `mysql://root@${HOST}:3306/${options.database}`,
    REDIS_URL,
    QUEUE_PREFIX: options.queuePrefix,
    APP_ROLE: 'all',
    PORT: String(port),
    PUBLIC_URL: `http://${HOST}:${port}`,
    HTTP_PROCESSES: '1',
    MIGRATIONS_RUN: 'true',
    LOG_LEVEL: 'warn',
    STORAGE_DIR: join(tempDir, 'storage'),
    MAIL_DIR: join(tempDir, 'mail'),
    BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    // The bench signs in many times from one address; all three login limits must allow it.
    LOGIN_RATE_LIMIT: '1000',
    LOGIN_ADDRESS_RATE_LIMIT: '1000',
    LOGIN_ACCOUNT_RATE_LIMIT: '1000',
    // Seeding registers hundreds of answers with files as one user.
    UPLOAD_RATE_LIMIT: '100000',
    TZ_REGION: TIME_ZONE,
    // Nothing from the caller's environment may send mail or shift the clock.
    SMTP_URL: '',
    CLOCK_OFFSET: '',
    ...options.env,
  };
  // BENCH_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles the service (Node
  // refuses --cpu-prof in NODE_OPTIONS).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, MAIN_JS], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lines = 0;
  const forward = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines += 1;
      if (lines <= FORWARDED_LOG_LINES) process.stdout.write(`  [${name}] ${line}\n`);
      else if (lines === FORWARDED_LOG_LINES + 1) {
        process.stdout.write(`  [${name}] … further output is counted, not shown\n`);
      }
    }
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exited = new Promise<number | null>((resolveExit) => {
    child.once('exit', (code) => resolveExit(code));
  });
  const service: Service = {
    name,
    label: options.label,
    child,
    baseUrl: `http://${HOST}:${port}`,
    exited,
    logLines: () => lines,
  };
  started.add(service);
  return service;
}

/** Polls `ready` every 250 ms until it holds; fails early when the process exits. */
export async function waitUntil(
  service: Service,
  what: string,
  timeoutMs: number,
  ready: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void service.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`${service.label} exited with code ${exitCode} during start-up`);
    }
    try {
      if (await ready()) return;
    } catch {
      // not ready yet
    }
    await sleep(250);
  }
  throw new Error(`${what} within ${timeoutMs / 1000} s`);
}

/** Waits until GET /health answers 200: by then the database exists and is migrated. */
export function waitForHealth(service: Service): Promise<void> {
  return waitUntil(service, 'GET /health did not answer 200', HEALTH_TIMEOUT_MS, async () => {
    const response = await fetch(`${service.baseUrl}/health`, {
      signal: AbortSignal.timeout(2_000),
    });
    await response.arrayBuffer();
    return response.status === 200;
  });
}

/** SIGTERM, then SIGKILL if the process has not exited after STOP_TIMEOUT_MS. */
export async function stopService(service: Service): Promise<void> {
  if (!isRunning(service)) return;
  service.child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolveTimeout) =>
    setTimeout(() => resolveTimeout('timeout'), STOP_TIMEOUT_MS).unref(),
  );
  if ((await Promise.race([service.exited, timeout])) === 'timeout') {
    log(
      `${service.label} did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM; sending SIGKILL`,
    );
    service.child.kill('SIGKILL');
    await service.exited;
  }
}

/** Says how much output each service wrote, since only the first lines were shown. */
export function reportServiceOutput(services: readonly (Service | undefined)[]): void {
  for (const service of services) {
    if (service && service.logLines() > 0) {
      log(
        `${service.label} wrote ${service.logLines()} lines of output ` +
          `(the first ${FORWARDED_LOG_LINES} are shown above)`,
      );
    }
  }
}

/** One call to the API; anything but the expected status (201 for POST, else 200) throws. */
export async function api<T>(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  options: {
    token?: string;
    body?: unknown;
    form?: FormData;
    expect?: number;
    timeoutMs?: number;
  } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | FormData | undefined = options.form;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(options.timeoutMs ?? HTTP_TIMEOUT_MS),
  });
  const text = await response.text();
  const expected = options.expect ?? (method === 'POST' ? 201 : 200);
  if (response.status !== expected) {
    throw new Error(
      `${method} ${path} answered ${response.status} (expected ${expected}): ${text.slice(0, 1_000)}`,
    );
  }
  return JSON.parse(text) as T;
}

/** Logs in and returns the bearer token. */
export async function login(baseUrl: string, email: string, password: string): Promise<string> {
  const body = await api<{ accessToken: string }>(baseUrl, 'POST', '/api/auth/login', {
    body: { email, password },
    expect: 200,
  });
  return body.accessToken;
}

/** Logs in as the bootstrap admin and returns the bearer token. */
export function loginAsAdmin(baseUrl: string): Promise<string> {
  return login(baseUrl, ADMIN.email, ADMIN.password);
}

/** Creates an organisation through the API, as the admin. */
export function createOrganisation(
  baseUrl: string,
  adminToken: string,
  body: { name: string; kind: 'council' | 'committee'; seriesCode?: string; email?: string },
): Promise<{ id: number }> {
  return api<{ id: number }>(baseUrl, 'POST', '/api/organisations', { token: adminToken, body });
}

/** Creates the registrar REGISTRAR for the organisations and returns its bearer token. */
export async function createRegistrar(
  baseUrl: string,
  adminToken: string,
  organisationIds: number[],
): Promise<string> {
  await api(baseUrl, 'POST', '/api/users', {
    token: adminToken,
    body: {
      name: 'Rita Registrator',
      email: REGISTRAR.email,
      password: REGISTRAR.password,
      roles: ['registrar'],
      organisationIds,
    },
  });
  return login(baseUrl, REGISTRAR.email, REGISTRAR.password);
}

// ---------------------------------------------------------------------------------------------
// /proc: CPU and memory of the processes involved (Linux only; elsewhere the figures read n/a)

const CLOCK_TICKS = ((): number => {
  try {
    return Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

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

function ownTicks(pid: number): { ppid: number; ticks: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }; // utime + stime
  } catch {
    return null;
  }
}

/**
 * CPU ticks a process has used; with `withChildren` those of its direct children too (a service
 * with HTTP_PROCESSES > 1 serves from forked children).
 */
function processTicks(
  pid: number | undefined,
  { withChildren = false }: { withChildren?: boolean } = {},
): number | null {
  if (pid === undefined) return null;
  const own = ownTicks(pid);
  if (!own) return null;
  let total = own.ticks;
  if (withChildren) {
    for (const id of processIds()) {
      const child = ownTicks(id);
      if (child && child.ppid === pid) total += child.ticks;
    }
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

/** `VmRSS` (now) or `VmHWM` (peak) of a process, in kB. */
export function statusKb(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number | null {
  if (pid === undefined) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Resets VmHWM of the processes to their current RSS (Linux ≥ 4.0, same user), so their peak counts
 * from now; false when none could be reset.
 */
export function resetPeak(pids: readonly (number | undefined)[]): boolean {
  const known = pids.filter((pid): pid is number => pid !== undefined);
  try {
    for (const pid of known) writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return known.length > 0;
  } catch {
    return false;
  }
}

/**
 * Calls `sample` now, every `ms` and once more on the first `stop`, which returns `result()`
 * (later calls only return it).
 */
export function sampleEvery<T>(ms: number, sample: () => void, result: () => T): { stop: () => T } {
  sample();
  const timer = setInterval(sample, ms);
  let stopped = false;
  return {
    stop: () => {
      if (!stopped) {
        clearInterval(timer);
        sample();
        stopped = true;
      }
      return result();
    },
  };
}

function pidByName(names: string[]): number | undefined {
  return processIds().find((pid) => names.includes(processName(pid)));
}

/** The database server's pid from its pid file (the machine may run more than one). */
export async function databasePid(): Promise<number | undefined> {
  try {
    const connection = await serverConnection();
    try {
      const [rows] = await connection.query<RowDataPacket[]>('SELECT @@pid_file AS file');
      const pid = Number(readFileSync(String(rows[0].file), 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0) return pid;
    } finally {
      await connection.end();
    }
  } catch {
    // fall back to the name
  }
  return pidByName(['mariadbd', 'mysqld']);
}

/** The pid of the Redis server on REDIS_URL, as it reports it. */
export async function redisPid(): Promise<number | undefined> {
  try {
    const info = await withRedis((redis) => redis.info('server'));
    const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
    if (Number.isInteger(pid) && pid > 0) return pid;
  } catch {
    // fall back to the name
  }
  return pidByName(['redis-server']);
}

/** CPU use in % of one core, by name, then `bench` (this process) and `other` (the rest). */
export type CpuShares = Record<string, number | null>;

/**
 * Starts measuring; the returned function gives the CPU use of each named process since the
 * start, of this process, and of everything else on the machine: other busy processes compete
 * with the service and the database for the cores, so they are counted too.
 */
export function cpuProbe(
  pids: Record<string, number | undefined>,
  options: { withChildren?: boolean } = {},
): () => CpuShares {
  const wall = performance.now();
  const before = Object.entries(pids).map(
    ([name, pid]) => [name, pid, processTicks(pid, options)] as const,
  );
  const machine = machineTicks();
  const bench = process.cpuUsage();
  return () => {
    const seconds = (performance.now() - wall) / 1000;
    const shares: CpuShares = {};
    let accounted = 0;
    for (const [name, pid, ticks] of before) {
      const now = processTicks(pid, options);
      const share =
        ticks === null || now === null ? null : ((now - ticks) / CLOCK_TICKS / seconds) * 100;
      shares[name] = share;
      accounted += share ?? 0;
    }
    const own = process.cpuUsage(bench);
    shares.bench = ((own.user + own.system) / 1e6 / seconds) * 100;
    const after = machineTicks();
    shares.other =
      machine === null || after === null
        ? null
        : Math.max(0, ((after - machine) / CLOCK_TICKS / seconds) * 100 - accounted - shares.bench);
    return shares;
  };
}

/** `api 98%, mariadbd 20%, bench 2%, other 0%`; `other` may be named differently. */
export function describeCpu(cpu: CpuShares, otherLabel = 'other'): string {
  return Object.entries(cpu)
    .map(([name, share]) => `${name === 'other' ? otherLabel : name} ${percent(share)}`)
    .join(', ');
}

/** Other processes busy during a measurement lowered its figure; say so next to it. */
export function busyWarning(what: string, cpu: CpuShares): string[] {
  const other = cpu.other ?? 0;
  return other < 25
    ? []
    : [
        `Warning: other processes used ${other.toFixed(0)}% of a core during ${what}; ` +
          'its figures are lower than on an idle machine.',
      ];
}

/**
 * Waits (at most 5 s) until a process uses less than `idleShare` of a core, so that the work of
 * one measurement (or a start-up) does not spill into the next.
 */
export async function settle(
  pid: number | undefined,
  { idleShare = 0.05, withChildren = false }: { idleShare?: number; withChildren?: boolean } = {},
): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const before = processTicks(pid, { withChildren });
    await sleep(250);
    const after = processTicks(pid, { withChildren });
    if (before === null || after === null) return;
    if ((after - before) / CLOCK_TICKS / 0.25 < idleShare) return;
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
  await sleep(1_000);
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

// ---------------------------------------------------------------------------------------------
// Cleanup and the way out

/** A labelled cleanup step; a failing step is logged and the next one still runs. */
export type CleanupStep = readonly [label: string, run: () => unknown];

/**
 * The last cleanup steps of every benchmark: its database (kept with BENCH_KEEP=1), its Redis
 * keys and its temporary directory (read when the step runs, as it is made during the run).
 */
export function storageCleanupSteps(
  database: string,
  queuePrefix: string,
  tempDir: () => string | undefined,
): CleanupStep[] {
  return [
    [
      KEEP ? `keeping database ${database} (BENCH_KEEP=1)` : `dropping database ${database}`,
      () => (KEEP ? undefined : dropDatabase(database)),
    ],
    [
      `deleting Redis keys ${queuePrefix}:*`,
      async () => log(`  removed ${await clearRedisKeys(queuePrefix)} keys`),
    ],
    [
      'removing the temporary directory',
      () => {
        const directory = tempDir();
        if (directory) rmSync(directory, { recursive: true, force: true });
      },
    ],
  ];
}

/**
 * Runs `main` and exits with its code, after the cleanup steps have run once, whatever the way
 * out: normal end, an error (exit 2), an uncaught exception (2) or SIGINT/SIGTERM (130). Should
 * the process end before that, no service it started survives it.
 */
export async function runBenchmark(
  main: () => Promise<number>,
  steps: readonly CleanupStep[],
): Promise<never> {
  let cleanedUp: Promise<void> | null = null;
  const cleanUp = (): Promise<void> => {
    cleanedUp ??= (async () => {
      for (const [label, run] of steps) {
        log(`cleanup: ${label}`);
        try {
          await run();
        } catch (error) {
          log(`cleanup: ${label} failed: ${(error as Error).message}`);
        }
      }
    })();
    return cleanedUp;
  };

  process.once('exit', () => {
    for (const service of started) {
      if (isRunning(service)) service.child.kill('SIGKILL');
    }
  });
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    process.once(event, (error: unknown) => {
      log(`${event}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      void cleanUp().finally(() => process.exit(2));
    });
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
}
