// Benchmark of answers and the compilation: a round sent to 300 organisations, which all answer
// through their secure links, 20 link holders at a time, each answer with 5 section comments; then
// GET /api/rounds/:id/compilation.docx over the 300 answers and 1,500 comments, timed, checked
// and with the api process's peak memory. Run with `npm run bench:compilation` (builds first) or
// `npx tsx test/bench/compilation.bench.ts` against an existing build. See test/bench/README.md.
//
// It talks only to 127.0.0.1: MariaDB/MySQL on 3306 (root, no password), Redis on 6379 and the
// two service processes it starts itself. Mail goes to .eml files in its temporary directory.
// Everything it creates (database remiss_bench_compilation, Redis keys remiss_bench_compilation:*,
// a temporary directory) is removed at the end; BENCH_KEEP=1 keeps the database.

import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { simpleParser, type AddressObject } from 'mailparser';
import { type Connection, type RowDataPacket } from 'mysql2/promise';
import { docxText, readPart } from '../helpers/docx-text.js';
import { pdf } from '../helpers/files.js';
import {
  ADMIN,
  api,
  busyWarning,
  cpuProbe,
  createOrganisation,
  createRegistrar,
  databasePid,
  describeCpu,
  envInt,
  formatTable,
  freePort,
  log,
  loginAsAdmin,
  met,
  prepareRun,
  readCpuCount,
  redisPid,
  reportServiceOutput,
  resetPeak,
  runBenchmark,
  serverConnection,
  settle,
  startService,
  statusKb,
  stockholmDay,
  stopService,
  storageCleanupSteps,
  waitForHealth,
  waitUntil,
  type CpuShares,
  type Service,
} from './support.js';

// ---------------------------------------------------------------------------------------------
// Settings

const DATABASE = 'remiss_bench_compilation';
const QUEUE_PREFIX = 'remiss_bench_compilation';

const RECIPIENTS = Math.max(1, envInt('BENCH_RECIPIENTS', 300));
const CONCURRENCY = Math.max(1, envInt('BENCH_CONCURRENCY', 20));
/** Warm compilations after the first (cold) one; the summary gives their median. */
const RUNS = Math.max(1, envInt('BENCH_RUNS', 5));
const PREFERRED_PORT = envInt('BENCH_PORT', 3996);
/** HTTP_PROCESSES of the api process; above 1 its forked children serve and are measured. */
const HTTP_PROCESSES = Math.max(1, envInt('BENCH_HTTP_PROCESSES', 1));
const CLUSTERED = HTTP_PROCESSES > 1;
const SEED = envInt('BENCH_SEED', 20261124);
const TIMEOUT_MS = Math.max(10, envInt('BENCH_TIMEOUT_SECONDS', 300)) * 1000;
const DEADLINE_DAYS = 30;

const TARGETS = { compilationMs: 2_000, answersPerSecond: 100 } as const;

const HTTP_TIMEOUT_MS = 120_000;
const RSS_SAMPLE_MS = 20;
/**
 * The service takes an identical answer within a minute for the same one (its REPEAT_WINDOW_MS);
 * only answers younger than this are sent again.
 */
const REPEAT_WINDOW_MS = 50_000;
/** Concurrent API calls while the directory is built. */
const SETUP_CONCURRENCY = 8;

/** The draft's numbered points; each answer comments on COMMENTS of them. */
const SECTIONS = [
  { ref: '1', title: 'Inledning' },
  { ref: '2', title: 'Nulägesbeskrivning' },
  { ref: '2.1', title: 'Befolkning och bostäder' },
  { ref: '2.2', title: 'Näringsliv och kompetensförsörjning' },
  { ref: '3', title: 'Mål och strategier' },
  { ref: '3.1', title: 'Hållbar tillväxt i hela länet' },
  { ref: '4', title: 'Genomförande' },
  { ref: '4.3 a', title: 'Kollektivtrafik' },
  { ref: '4.3 b', title: 'Digital infrastruktur' },
  { ref: '5', title: 'Uppföljning' },
] as const;
const COMMENTS = Math.min(SECTIONS.length, Math.max(1, envInt('BENCH_COMMENTS', 5)));

const ROUND_TITLE = 'Remiss: Regional utvecklingsstrategi för Kalmar län 2030';

// ---------------------------------------------------------------------------------------------
// Output

const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
const mb = (kb: number | null): string => (kb === null ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
const count = (value: number): string => value.toLocaleString('en');

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

/** Nearest-rank percentile of unsorted values. */
function percentile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))];
}

// ---------------------------------------------------------------------------------------------
// The directory and the answers: Swedish texts, the same on every run (BENCH_SEED)

type Kind = 'committee' | 'company' | 'external';

interface Organisation {
  index: number;
  name: string;
  kind: Kind;
  email: string;
  id: number;
}

const MUNICIPALITIES = [
  'Kalmar',
  'Nybro',
  'Emmaboda',
  'Torsås',
  'Mörbylånga',
  'Borgholm',
  'Oskarshamn',
  'Västervik',
  'Vimmerby',
  'Hultsfred',
  'Högsby',
  'Mönsterås',
  'Växjö',
  'Alvesta',
  'Ljungby',
  'Tingsryd',
  'Uppvidinge',
  'Lessebo',
  'Markaryd',
  'Älmhult',
  'Jönköping',
  'Värnamo',
  'Gislaved',
  'Eksjö',
  'Nässjö',
  'Vetlanda',
];
const COMMITTEES = [
  'Barn- och utbildningsnämnden',
  'Socialnämnden',
  'Kultur- och fritidsnämnden',
  'Miljö- och byggnadsnämnden',
  'Tekniska nämnden',
  'Omsorgsnämnden',
  'Samhällsbyggnadsnämnden',
  'Servicenämnden',
  'Arbetsmarknadsnämnden',
  'Valnämnden',
];
const COMPANIES = [
  'Energi AB',
  'Vatten AB',
  'Bostäder AB',
  'Hamn AB',
  'Stadsnät AB',
  'Renhållning AB',
];
const EXTERNALS = [
  (place: string) => `Naturskyddsföreningen i ${place}`,
  (place: string) => `Företagarna ${place}`,
  (place: string) => `PRO ${place}`,
  (place: string) => `Hyresgästföreningen ${place}`,
  (place: string) => `Idrottsalliansen i ${place}`,
  (place: string) => `Lantbrukarnas riksförbund ${place}`,
];

/**
 * RECIPIENTS organisations: three in five committees of the county's municipalities, one a
 * municipal company and one an outside body, each with its own registry address.
 */
function directory(): Omit<Organisation, 'id'>[] {
  const used = new Set<string>();
  const made: Omit<Organisation, 'id'>[] = [];
  const next = { committee: 0, company: 0, external: 0 };
  for (let index = 0; index < RECIPIENTS; index += 1) {
    const kind: Kind = index % 5 < 3 ? 'committee' : index % 5 === 3 ? 'company' : 'external';
    const n = next[kind]++;
    let name: string;
    if (kind === 'committee') {
      const place = MUNICIPALITIES[Math.floor(n / COMMITTEES.length) % MUNICIPALITIES.length];
      name = `${COMMITTEES[n % COMMITTEES.length]} i ${place} kommun`;
    } else if (kind === 'company') {
      const place = MUNICIPALITIES[Math.floor(n / COMPANIES.length) % MUNICIPALITIES.length];
      name = `${place} ${COMPANIES[n % COMPANIES.length]}`;
    } else {
      const place = MUNICIPALITIES[Math.floor(n / EXTERNALS.length) % MUNICIPALITIES.length];
      name = EXTERNALS[n % EXTERNALS.length](place);
    }
    // Beyond the combinations above (from about 430 recipients on) names get a number.
    if (used.has(name)) name = `${name} ${index + 1}`;
    used.add(name);
    const padded = String(index + 1).padStart(4, '0');
    made.push({ index, name, kind, email: `registrator-${padded}@${kind}.bench.example` });
  }
  return made;
}

/** mulberry32: a small seeded generator, so every run sends the same texts. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPENERS = [
  '{org} delar i huvudsak bedömningen i avsnitt {ref}, {title}, men vill lyfta fram behovet av en tydligare ansvarsfördelning mellan regionen och kommunerna.',
  '{org} anser att avsnitt {ref} om {lower} behöver kompletteras med en analys av konsekvenserna för länets mindre kommuner.',
  'När det gäller avsnitt {ref}, {title}, saknar {org} en beskrivning av hur åtgärderna ska finansieras och av vem.',
  '{org} tillstyrker inriktningen i avsnitt {ref} men föreslår att skrivningarna om {lower} blir mer konkreta.',
  '{org} instämmer i att {lower} är en nyckelfråga för länet och välkomnar att avsnitt {ref} lyfter den.',
  '{org} vill understryka att {lower} kräver samordning med grannlänen, något som avsnitt {ref} inte berör.',
];
const MIDDLES = [
  'Erfarenheterna från de senaste årens arbete visar att samverkan över kommungränserna ger bäst resultat när ansvaret är tydligt fördelat.',
  'Strategin bör också ange hur uppföljningen ska gå till och vilka indikatorer som ska användas.',
  'Det är angeläget att landsbygdens förutsättningar beaktas, särskilt tillgången till service, bredband och kollektivtrafik.',
  'Utan en sådan precisering riskerar förslaget att bli svårt att omsätta i den kommunala översiktsplaneringen.',
  'Vi ser gärna att regionen tar fram en gemensam handlingsplan tillsammans med kommunerna under det kommande året.',
  'Kostnaderna för genomförandet behöver redovisas, liksom vilka resurser som förväntas av kommunerna och de kommunala bolagen.',
  'Barns och ungas perspektiv bör synas tydligare, i linje med barnkonventionen som sedan 2020 är svensk lag.',
  'Målen bör vara mätbara och tidsatta så att det går att följa upp om de nås före 2030.',
  'Kompetensförsörjningen är redan i dag en begränsande faktor, inte minst inom vård, omsorg och skola.',
  'Klimat- och miljömålen behöver vägas in i varje del av strategin och inte enbart i ett eget avsnitt.',
];
const CLOSINGS = [
  'Vi medverkar gärna i det fortsatta arbetet.',
  'Frågan bör följas upp vid nästa revidering av strategin.',
  'Vi hänvisar i övrigt till tidigare lämnade synpunkter i samrådet.',
  '',
];

type Position = 'approve' | 'approve_with_comments' | 'reject';
const POSITIONS: readonly Position[] = [
  'approve_with_comments',
  'approve',
  'approve_with_comments',
  'reject',
];
const STANCES: Record<Position, string> = {
  approve: 'tillstyrker',
  approve_with_comments: 'tillstyrker med de synpunkter som framgår nedan',
  reject: 'avstyrker',
};
const CASE_SERIES: Record<Kind, string> = { committee: 'SN', company: 'STY', external: 'DNR' };

interface Answer {
  position: Position;
  summary: string;
  comments: { sectionRef: string; text: string }[];
  decision: { organ: string; date: string; paragraph: string; caseNumber: string };
}

/** One answer per organisation: a summary, COMMENTS comments on distinct sections, a decision. */
function answers(organisations: readonly Organisation[]): Answer[] {
  const random = generator(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const year = stockholmDay(0).slice(0, 4);
  return organisations.map((organisation) => {
    const { index, name, kind } = organisation;
    const position = POSITIONS[index % POSITIONS.length];
    const comments = Array.from({ length: COMMENTS }, (_, offset) => {
      const section = SECTIONS[(index + offset) % SECTIONS.length];
      const first = pick(OPENERS)
        .replace('{org}', name)
        .replace('{ref}', section.ref)
        .replace('{title}', section.title)
        .replace('{lower}', section.title.toLowerCase());
      const second = pick(MIDDLES);
      let third = pick(MIDDLES);
      if (third === second) third = MIDDLES[(MIDDLES.indexOf(second) + 1) % MIDDLES.length];
      const text = [first, second, third, pick(CLOSINGS)].filter(Boolean).join(' ');
      // Every other answer writes the reference as a respondent might: not as the round does.
      const sectionRef = index % 2 === 1 ? section.ref.toUpperCase() : section.ref;
      return { sectionRef, text };
    });
    return {
      position,
      summary:
        `${name} ${STANCES[position]} förslaget till regional utvecklingsstrategi. ` +
        `${pick(MIDDLES)} ${pick(CLOSINGS)}`.trim(),
      comments,
      decision: {
        organ: kind === 'company' ? `Styrelsen för ${name}` : name,
        date: stockholmDay(-1 - (index % 10)),
        paragraph: String(10 + (index % 90)),
        caseNumber: `${CASE_SERIES[kind]} ${year}/${String(index + 1).padStart(4, '0')}`,
      },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The service under test: one `api` process and one `worker` process

/** Both share the database, queue prefix, JWT secret and files; only the api has an admin. */
function startRole(role: 'api' | 'worker', port: number, tempDir: string, jwt: string): Service {
  return startService({
    name: role,
    label: `the ${role} process`,
    port,
    database: DATABASE,
    queuePrefix: QUEUE_PREFIX,
    tempDir,
    env: {
      APP_ROLE: role,
      HTTP_PROCESSES: String(HTTP_PROCESSES),
      JWT_SECRET: jwt,
      MUNICIPALITY_NAME: 'Region Kalmar län',
      // Each link holder comes from an address of its own, given by X-Forwarded-For as a reverse
      // proxy would; RESPOND_RATE_LIMIT then applies per holder, as in production.
      TRUST_PROXY: 'loopback',
      BOOTSTRAP_ADMIN_EMAIL: role === 'api' ? ADMIN.email : '',
      BOOTSTRAP_ADMIN_PASSWORD: role === 'api' ? ADMIN.password : '',
    },
  });
}

/** Runs `work` over `items`, at most `limit` at a time, and keeps the order of the results. */
async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, loop));
  return results;
}

// ---------------------------------------------------------------------------------------------
// Setup, all through the API

interface Setup {
  token: string;
  caseId: number;
  caseNumber: string;
  roundId: number;
  organisations: Organisation[];
  /** Recipient id by organisation id. */
  recipientOf: Map<number, number>;
}

async function setUp(baseUrl: string): Promise<Setup> {
  const adminToken = await loginAsAdmin(baseUrl);
  const owner = await createOrganisation(baseUrl, adminToken, {
    name: 'Regionstyrelsen',
    kind: 'council',
    seriesCode: 'RS',
    email: 'regionstyrelsen@bench.example',
  });
  const token = await createRegistrar(baseUrl, adminToken, [owner.id]);
  log(`created Regionstyrelsen (RS, id ${owner.id}) and a registrar; logged in as the registrar`);

  let began = performance.now();
  const organisations = await inParallel(directory(), SETUP_CONCURRENCY, async (organisation) => {
    const { name, kind, email } = organisation;
    const created = await api<{ id: number }>(baseUrl, 'POST', '/api/organisations', {
      token: adminToken,
      body: { name, kind, email },
    });
    return { ...organisation, id: created.id };
  });
  const kinds = (['committee', 'company', 'external'] as const)
    .map((kind) => `${organisations.filter((o) => o.kind === kind).length} ${kind}`)
    .join(', ');
  log(
    `created ${count(organisations.length)} organisations (${kinds}) through the API ` +
      `in ${ms(performance.now() - began)}`,
  );

  const registered = await api<{ id: number; caseNumber: string }>(baseUrl, 'POST', '/api/cases', {
    token,
    body: {
      title: 'Regional utvecklingsstrategi för Kalmar län 2030',
      organisationId: owner.id,
    },
  });
  const draft = pdf('Förslag till regional utvecklingsstrategi för Kalmar län 2030');
  const form = new FormData();
  form.append('title', 'Förslag till regional utvecklingsstrategi');
  form.append('direction', 'outgoing');
  form.append(
    'file',
    new Blob([new Uint8Array(draft)], { type: 'application/pdf' }),
    'Förslag till regional utvecklingsstrategi.pdf',
  );
  const document = await api<{ id: number; documentNumber: string }>(
    baseUrl,
    'POST',
    `/api/cases/${registered.id}/documents`,
    { token, form },
  );
  const deadline = stockholmDay(DEADLINE_DAYS);
  const round = await api<{
    id: number;
    recipients: { id: number; organisation: { id: number } }[];
  }>(baseUrl, 'POST', `/api/cases/${registered.id}/rounds`, {
    token,
    body: {
      title: ROUND_TITLE,
      deadline,
      documentIds: [document.id],
      recipientOrganisationIds: organisations.map((organisation) => organisation.id),
      message:
        'Regionstyrelsen har tagit fram ett förslag till regional utvecklingsstrategi och ' +
        'välkomnar synpunkter, gärna med hänvisning till förslagets numrerade avsnitt.',
      sections: SECTIONS,
    },
  });
  if (round.recipients.length !== RECIPIENTS) {
    throw new Error(`the round has ${round.recipients.length} recipients, not ${RECIPIENTS}`);
  }
  log(
    `case ${registered.caseNumber}, draft ${document.documentNumber}, round ${round.id} ` +
      `with ${SECTIONS.length} sections to ${RECIPIENTS} recipients, deadline ${deadline}`,
  );

  began = performance.now();
  const sent = await api<{ queued: number; warnings: unknown[] }>(
    baseUrl,
    'POST',
    `/api/rounds/${round.id}/send`,
    { token, expect: 200, timeoutMs: HTTP_TIMEOUT_MS },
  );
  log(`sent in ${ms(performance.now() - began)}: queued ${sent.queued}`);
  if (sent.queued !== RECIPIENTS) {
    throw new Error(`the send call queued ${sent.queued} invitations, not ${RECIPIENTS}`);
  }
  return {
    token,
    caseId: registered.id,
    caseNumber: registered.caseNumber,
    roundId: round.id,
    organisations,
    recipientOf: new Map(round.recipients.map((r) => [r.organisation.id, r.id])),
  };
}

// ---------------------------------------------------------------------------------------------
// The links: only their hashes are stored, so they are read from the mails

const LINK = /\/respond\/([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/;

function mailFiles(mailDir: string, kind: string): string[] {
  try {
    return readdirSync(mailDir).filter((file) => file.endsWith(`-${kind}.eml`));
  } catch {
    return [];
  }
}

/** Waits until `expected` mails of `kind` are written; returns how long it took. */
async function waitForMails(
  worker: Service,
  mailDir: string,
  kind: string,
  expected: number,
): Promise<number> {
  const began = performance.now();
  await waitUntil(worker, `fewer than ${expected} ${kind} mails were written`, TIMEOUT_MS, () =>
    Promise.resolve(mailFiles(mailDir, kind).length >= expected),
  );
  return performance.now() - began;
}

/** Each organisation's link, from its invitation's text; every address must get exactly one. */
async function readLinks(
  mailDir: string,
  organisations: readonly Organisation[],
): Promise<Map<number, string>> {
  const byAddress = new Map(organisations.map((o) => [o.email.toLowerCase(), o]));
  const links = new Map<number, string>();
  for (const file of mailFiles(mailDir, 'round-invitation')) {
    const parsed = await simpleParser(readFileSync(join(mailDir, file)));
    const to = ([] as AddressObject[]).concat(parsed.to ?? []).flatMap((a) => a.value);
    const organisation = byAddress.get((to[0]?.address ?? '').toLowerCase());
    const token = LINK.exec(parsed.text ?? '')?.[1];
    if (to.length !== 1 || !organisation || !token) {
      throw new Error(`${file}: not one known recipient with a response link`);
    }
    if (links.has(organisation.id)) throw new Error(`two invitations to ${organisation.name}`);
    links.set(organisation.id, token);
  }
  if (links.size !== organisations.length || new Set(links.values()).size !== links.size) {
    throw new Error(`${links.size} invitations with distinct links for ${organisations.length}`);
  }
  return links;
}

// ---------------------------------------------------------------------------------------------
// Answering: CONCURRENCY link holders at once, each POST /api/respond/:token once

interface Submitted {
  status: number;
  ms: number;
  /** The answer as the service registered it (201 only). */
  id: number | null;
  recipientId: number | null;
  documentNumber: string | null;
  /** When the answer came back (performance.now()). */
  at: number;
  error: string | null;
}

interface Pass {
  wallMs: number;
  results: Submitted[];
  cpu: CpuShares;
  statements: number;
}

/** A client address per link holder, as a proxy in front of the service would report it. */
const holderAddress = (index: number): string =>
  `10.${20 + Math.floor(index / 62_500)}.${Math.floor(index / 250) % 250}.${(index % 250) + 1}`;

async function submit(baseUrl: string, token: string, index: number, answer: Answer) {
  const began = performance.now();
  try {
    const response = await fetch(`${baseUrl}/api/respond/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': holderAddress(index) },
      body: JSON.stringify(answer),
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    const text = await response.text();
    const at = performance.now();
    let body: { id?: number; recipientId?: number; documentNumber?: string } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // reported through the status
    }
    return {
      status: response.status,
      ms: at - began,
      id: response.status === 201 ? (body.id ?? null) : null,
      recipientId: response.status === 201 ? (body.recipientId ?? null) : null,
      documentNumber: response.status === 201 ? (body.documentNumber ?? null) : null,
      at,
      error: response.status === 201 ? null : `${response.status} ${text.slice(0, 300)}`,
    };
  } catch (error) {
    const at = performance.now();
    // fetch says only "fetch failed"; the socket's own error is its cause.
    const cause = (error as { cause?: Error }).cause;
    const message = cause ? `${String(error)}: ${cause.message}` : String(error);
    return {
      status: 0,
      ms: at - began,
      id: null,
      recipientId: null,
      documentNumber: null,
      at,
      error: message,
    };
  }
}

async function questions(connection: Connection): Promise<number> {
  const [rows] = await connection.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Questions'");
  return Number(rows[0].Value);
}

/** One pass over `indexes`: CONCURRENCY loops, each taking the next link holder until none is left. */
async function answerPass(
  baseUrl: string,
  links: readonly string[],
  bodies: readonly Answer[],
  indexes: readonly number[],
  pids: Record<string, number | undefined>,
  connection: Connection,
): Promise<Pass> {
  const statementsBefore = await questions(connection);
  const stopCpu = cpuProbe(pids, { withChildren: CLUSTERED });
  const began = performance.now();
  const results = await inParallel(indexes, CONCURRENCY, (index) =>
    submit(baseUrl, links[index], index, bodies[index]),
  );
  const wallMs = performance.now() - began;
  const cpu = stopCpu();
  const statements = (await questions(connection)) - statementsBefore - 1;
  return { wallMs, results, cpu, statements };
}

function describePass(pass: Pass): string {
  const latencies = pass.results.map((result) => result.ms);
  const failed = pass.results.filter((result) => result.status !== 201).length;
  const rate = pass.results.length / (pass.wallMs / 1000);
  return (
    `${pass.results.length} in ${(pass.wallMs / 1000).toFixed(2)} s, ${rate.toFixed(0)} answers/s; ` +
    `p50 ${ms(percentile(latencies, 0.5))}, p99 ${ms(percentile(latencies, 0.99))}; ` +
    `${failed} non-201`
  );
}

/** `429 ×12 (first: …)` per status other than 201, for the log. */
function describeFailures(pass: Pass): string[] {
  const byStatus = new Map<number, Submitted[]>();
  for (const result of pass.results) {
    if (result.status !== 201)
      byStatus.set(result.status, [...(byStatus.get(result.status) ?? []), result]);
  }
  return [...byStatus].map(
    ([status, results]) =>
      `${status || 'no answer'} ×${results.length}, first: ${results[0].error}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Registered once: what the database holds after the answers

interface Check {
  pass: boolean;
  details: string[];
}

async function checkRegistered(
  connection: Connection,
  setup: Setup,
  first: Pass,
  repeat: { pass: Pass; indexes: number[] } | null,
): Promise<Check> {
  const problems: string[] = [];
  const details: string[] = [];
  const { roundId, caseId } = setup;
  const one = async (sql: string, values: unknown[]): Promise<RowDataPacket> => {
    const [rows] = await connection.query<RowDataPacket[]>(sql, values);
    return rows[0];
  };
  const expect = (what: string, actual: number, expected: number): void => {
    details.push(`${what}: ${count(actual)}`);
    if (actual !== expected) problems.push(`${what}: ${count(actual)}, not ${count(expected)}`);
  };

  const failed = first.results.filter((result) => result.status !== 201);
  expect('answers that got 201', first.results.length - failed.length, RECIPIENTS);
  for (const result of failed.slice(0, 5)) problems.push(`an answer failed: ${result.error}`);
  const ids = new Set(first.results.flatMap((result) => result.id ?? []));
  const numbers = new Set(first.results.flatMap((result) => result.documentNumber ?? []));
  expect('distinct answer ids in the 201 answers', ids.size, RECIPIENTS);
  expect('distinct document numbers in the 201 answers', numbers.size, RECIPIENTS);
  const own = setup.organisations.filter(
    (organisation, index) =>
      first.results[index].recipientId === setup.recipientOf.get(organisation.id),
  ).length;
  expect("201 answers registered for the link's own recipient", own, RECIPIENTS);

  if (repeat) {
    const same = repeat.pass.results.filter(
      (result, position) =>
        result.status === 201 && result.id === first.results[repeat.indexes[position]].id,
    ).length;
    expect('repeated answers that got 201 with the first answer', same, repeat.indexes.length);
  }

  const responses = await one(
    `SELECT COUNT(*) AS n, COUNT(DISTINCT recipient_id) AS recipients,
            COUNT(DISTINCT document_id) AS documents, SUM(supersedes_id IS NOT NULL) AS superseding,
            SUM(received_via = 'link') AS link
       FROM referral_round_response WHERE round_id = ?`,
    [roundId],
  );
  expect('referral_round_response rows', Number(responses.n), RECIPIENTS);
  expect('  of distinct recipients', Number(responses.recipients), RECIPIENTS);
  expect('  with distinct documents', Number(responses.documents), RECIPIENTS);
  expect('  received through the link', Number(responses.link), RECIPIENTS);
  expect('  superseding an earlier answer', Number(responses.superseding), 0);
  const recipients = await one(
    `SELECT COUNT(*) AS n FROM referral_round_recipient r
       JOIN referral_round_response s ON s.id = r.response_id AND s.recipient_id = r.id
      WHERE r.round_id = ? AND r.status = 'answered' AND r.answered_at IS NOT NULL`,
    [roundId],
  );
  expect('recipients answered, each pointing at its own answer', Number(recipients.n), RECIPIENTS);
  const comments = await one(
    `SELECT COUNT(*) AS n, COUNT(DISTINCT response_id, section_ref) AS distinctRefs
       FROM referral_round_comment WHERE round_id = ?`,
    [roundId],
  );
  expect('section comments', Number(comments.n), RECIPIENTS * COMMENTS);
  expect('  on distinct (answer, section)', Number(comments.distinctRefs), RECIPIENTS * COMMENTS);
  const documents = await one(
    `SELECT COUNT(*) AS n, COUNT(DISTINCT number) AS distinctNumbers, MIN(number) AS low,
            MAX(number) AS high, SUM(direction = 'incoming') AS incoming
       FROM document WHERE case_id = ?`,
    [caseId],
  );
  expect('documents in the case (the draft and the answers)', Number(documents.n), RECIPIENTS + 1);
  expect('  incoming', Number(documents.incoming), RECIPIENTS);
  if (
    Number(documents.distinctNumbers) !== Number(documents.n) ||
    Number(documents.low) !== 1 ||
    Number(documents.high) !== Number(documents.n)
  ) {
    problems.push(
      `document numbers are not 1..${documents.n} without gaps: ${documents.distinctNumbers} ` +
        `distinct, ${documents.low}..${documents.high}`,
    );
  } else {
    details.push(`  numbered ${setup.caseNumber}-1 … -${documents.high}, no gaps`);
  }
  const linked = await one(
    `SELECT COUNT(*) AS n FROM referral_round_response s
       JOIN document d ON d.id = s.document_id AND d.case_id = ? AND d.direction = 'incoming'
      WHERE s.round_id = ?`,
    [caseId, roundId],
  );
  expect('answers registered as an incoming document of the case', Number(linked.n), RECIPIENTS);
  const receipts = await one(
    `SELECT COUNT(*) AS n, COUNT(DISTINCT dedupe_key) AS distinctKeys FROM mail_outbox
      WHERE kind = 'response-received'`,
    [],
  );
  expect('receipts in the outbox', Number(receipts.n), RECIPIENTS);
  expect('  for distinct answers', Number(receipts.distinctKeys), RECIPIENTS);
  return {
    pass: problems.length === 0,
    details: [...details, ...problems.map((p) => `FAIL: ${p}`)],
  };
}

// ---------------------------------------------------------------------------------------------
// The compilation

interface Compilation {
  coldMs: number;
  warmMs: number[];
  bytes: number;
  /** The HTTP process before the first compilation and at its peak during the compilations. */
  rssBeforeKb: number | null;
  peakKb: number | null;
  /** The peak after the first compilation alone. */
  peakAfterColdKb: number | null;
  /** Whether the peak counts from just before the compilations (else from the process start). */
  peakReset: boolean;
  /** The peak before the compilations, since the process started (answers included). */
  peakBeforeKb: number | null;
  maxSampledKb: number | null;
  cpu: CpuShares;
  document: Buffer;
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** The processes that serve HTTP: the api process, or with HTTP_PROCESSES > 1 its children. */
function httpPids(service: Service): number[] {
  const pid = service.child.pid;
  if (pid === undefined) return [];
  if (!CLUSTERED) return [pid];
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((id) => parentOf(id) === pid);
}

/** `VmRSS` or `VmHWM` of the largest of the processes, in kB. */
function largestKb(pids: readonly number[], field: 'VmRSS' | 'VmHWM'): number | null {
  const values = pids.flatMap((pid) => statusKb(pid, field) ?? []);
  return values.length === 0 ? null : Math.max(...values);
}

async function fetchCompilation(baseUrl: string, token: string, roundId: number) {
  const began = performance.now();
  const response = await fetch(`${baseUrl}/api/rounds/${roundId}/compilation.docx`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const elapsed = performance.now() - began;
  if (response.status !== 200) {
    throw new Error(
      `the compilation answered ${response.status}: ${bytes.toString().slice(0, 500)}`,
    );
  }
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('application/vnd.openxmlformats-officedocument.wordprocessingml')) {
    throw new Error(`the compilation came as ${type}`);
  }
  return { ms: elapsed, bytes };
}

async function measureCompilation(
  baseUrl: string,
  token: string,
  roundId: number,
  http: readonly number[],
  pids: Record<string, number | undefined>,
): Promise<Compilation> {
  await settle(pids.api, { withChildren: CLUSTERED });
  const peakBeforeKb = largestKb(http, 'VmHWM');
  const rssBeforeKb = largestKb(http, 'VmRSS');
  const peakReset = resetPeak(http);
  let maxSampledKb = rssBeforeKb;
  const sampler = setInterval(() => {
    const rss = largestKb(http, 'VmRSS');
    if (rss !== null) maxSampledKb = Math.max(maxSampledKb ?? 0, rss);
  }, RSS_SAMPLE_MS);
  try {
    const stopCpu = cpuProbe(pids, { withChildren: CLUSTERED });
    const cold = await fetchCompilation(baseUrl, token, roundId);
    const peakAfterColdKb = largestKb(http, 'VmHWM');
    log(
      `cold compilation: ${ms(cold.ms)}, ${count(cold.bytes.length)} bytes; ` +
        `peak RSS ${mb(peakAfterColdKb)} (${mb(rssBeforeKb)} before)`,
    );
    const warmMs: number[] = [];
    for (let run = 1; run <= RUNS; run += 1) {
      const warm = await fetchCompilation(baseUrl, token, roundId);
      warmMs.push(warm.ms);
      log(`compilation ${run}: ${ms(warm.ms)}, ${count(warm.bytes.length)} bytes`);
    }
    const cpu = stopCpu();
    return {
      coldMs: cold.ms,
      warmMs,
      bytes: cold.bytes.length,
      rssBeforeKb,
      peakKb: largestKb(http, 'VmHWM'),
      peakAfterColdKb,
      peakReset,
      peakBeforeKb,
      maxSampledKb,
      cpu,
      document: cold.bytes,
    };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * The compilation holds what was answered: every organisation in the table of answers, every
 * comment once, quoted under its own section after its own organisation, every summary.
 */
async function checkCompilation(
  document: Buffer,
  organisations: readonly Organisation[],
  bodies: readonly Answer[],
): Promise<Check> {
  const problems: string[] = [];
  const details: string[] = [];
  let lines: string[];
  try {
    const xml = await readPart(document, 'word/document.xml');
    details.push(
      `${count(document.length)} bytes; word/document.xml ` +
        `${(Buffer.byteLength(xml) / 1024 / 1024).toFixed(1)} MB uncompressed`,
    );
    lines = (await docxText(document)).split('\n').map((line) => line.trim());
  } catch (error) {
    return { pass: false, details: [`FAIL: the .docx does not open: ${(error as Error).message}`] };
  }
  const present = new Set(lines);
  const missingNames = organisations.filter((o) => !present.has(o.name));
  details.push(
    `organisations named on a line of their own: ${count(organisations.length - missingNames.length)} ` +
      `of ${count(organisations.length)}`,
  );
  if (missingNames.length > 0) {
    problems.push(
      `organisations missing: ${missingNames
        .slice(0, 5)
        .map((o) => o.name)
        .join('; ')}`,
    );
  }

  // Each comment, by its text: the section and the organisation it belongs under.
  const expected = new Map<string, { ref: string; organisation: string }>();
  bodies.forEach((body, index) => {
    for (const comment of body.comments) {
      const ref = SECTIONS.find(
        (s) => s.ref.toLowerCase() === comment.sectionRef.toLowerCase(),
      )!.ref;
      expected.set(comment.text, { ref, organisation: organisations[index].name });
    }
  });
  const headings = new Map(
    SECTIONS.map((section) => [`${section.ref} ${section.title}`, section.ref]),
  );
  const seen = new Set<string>();
  let section: string | null = null;
  let unexpected = 0;
  let twice = 0;
  let misplaced = 0;
  lines.forEach((line, index) => {
    const heading = headings.get(line);
    if (heading !== undefined) {
      section = heading;
      return;
    }
    if (!(line.startsWith('”') && line.endsWith('”') && line.length > 1)) return;
    const quoted = line.slice(1, -1);
    const comment = expected.get(quoted);
    if (!comment) unexpected += 1;
    else if (seen.has(quoted)) twice += 1;
    else {
      seen.add(quoted);
      if (comment.ref !== section || lines[index - 1] !== comment.organisation) misplaced += 1;
    }
  });
  details.push(
    `comments quoted: ${count(seen.size)} of ${count(expected.size)}; ${twice} twice, ` +
      `${unexpected} unknown, ${misplaced} under the wrong section or organisation`,
  );
  if (seen.size !== expected.size || twice + unexpected + misplaced > 0) {
    problems.push('the comments in the compilation are not exactly those answered');
  }
  const summaries = bodies.filter((body) => present.has(body.summary)).length;
  details.push(`summaries: ${count(summaries)} of ${count(bodies.length)}`);
  if (summaries !== bodies.length) problems.push(`${bodies.length - summaries} summaries missing`);
  return {
    pass: problems.length === 0,
    details: [...details, ...problems.map((p) => `FAIL: ${p}`)],
  };
}

// ---------------------------------------------------------------------------------------------
// Summary

interface Summary {
  /** The JSON bodies of all answers together. */
  bodyBytes: number;
  invitationsMs: number;
  first: Pass;
  repeat: { pass: Pass; indexes: number[] } | null;
  registered: Check;
  compilation: Compilation;
  contents: Check;
  /** RSS of the HTTP process once the round was sent, before the answers. */
  rssAfterSetupKb: number | null;
  workerPeakKb: number | null;
  /** The HTTP process's peak over the whole run. */
  apiPeakKb: number | null;
}

function printSummary(summary: Summary): void {
  const { first, repeat, registered, compilation, contents } = summary;
  const rate = first.results.length / (first.wallMs / 1000);
  const warm = spread(compilation.warmMs);
  const rows: [string, string, string, string][] = [
    [
      `Answers POST /api/respond/:token (${CONCURRENCY} link holders at once)`,
      describePass(first),
      `≥ ${TARGETS.answersPerSecond} answers/s`,
      met(rate >= TARGETS.answersPerSecond),
    ],
    [
      'The same answers again (double submit)',
      repeat === null
        ? 'skipped (the first answers are over a minute old)'
        : describePass(repeat.pass),
      'registered once',
      '',
    ],
    [
      'Registered once (responses, documents, recipients)',
      registered.pass ? 'PASS' : 'FAIL',
      `${count(RECIPIENTS)} each`,
      met(registered.pass),
    ],
    [
      `Compilation GET /api/rounds/:id/compilation.docx, median of ${RUNS}`,
      `${ms(warm.median)} (${ms(warm.min)}–${ms(warm.max)}), ${(compilation.bytes / 1024).toFixed(0)} kB`,
      `< ${TARGETS.compilationMs} ms`,
      met(warm.median < TARGETS.compilationMs),
    ],
    [
      'Compilation, first (cold) call',
      ms(compilation.coldMs),
      `< ${TARGETS.compilationMs} ms`,
      met(compilation.coldMs < TARGETS.compilationMs),
    ],
    [
      'Peak RSS of the HTTP process while compiling (VmHWM)',
      `${mb(compilation.peakAfterColdKb)} after the first, ${mb(compilation.peakKb)} after ` +
        `all ${RUNS + 1} (${mb(compilation.rssBeforeKb)} before)`,
      'reported',
      '',
    ],
    [
      'Compilation contents (names, comments, summaries)',
      contents.pass ? 'PASS' : 'FAIL',
      `${count(RECIPIENTS)} names, ${count(RECIPIENTS * COMMENTS)} comments`,
      met(contents.pass),
    ],
  ];
  const latencies = first.results.map((result) => result.ms);
  const output = [
    '',
    `Summary (${count(RECIPIENTS)} recipients, ${COMMENTS} comments per answer on ` +
      `${SECTIONS.length} sections; answers of ${(summary.bodyBytes / RECIPIENTS / 1024).toFixed(1)} kB on average)`,
    ...formatTable(['Measurement', 'Result', 'Target', 'Met'], rows),
    '',
    `Invitations: all ${RECIPIENTS} written ${ms(summary.invitationsMs)} after the send call answered.`,
    `Answers: latency min ${ms(Math.min(...latencies))}, p90 ${ms(percentile(latencies, 0.9))}, ` +
      `max ${ms(Math.max(...latencies))}; ${(first.statements / RECIPIENTS).toFixed(1)} SQL ` +
      'statements per answer (server-wide).',
    `Memory of the HTTP process${CLUSTERED ? ` (the largest of ${HTTP_PROCESSES})` : ''}: RSS ` +
      `${mb(summary.rssAfterSetupKb)} before the answers, ${mb(compilation.rssBeforeKb)} before ` +
      `the compilations, peak ${mb(compilation.peakAfterColdKb)} after the first and ` +
      `${mb(compilation.peakKb)} after all ${RUNS + 1} (` +
      (compilation.peakReset
        ? 'VmHWM reset just before them'
        : 'VmHWM could not be reset: the peak since start') +
      `; max sampled RSS ${mb(compilation.maxSampledKb)}); peak over the whole run ` +
      `${mb(summary.apiPeakKb)}. The worker's peak: ${mb(summary.workerPeakKb)}.`,
    'CPU (100% = one core, the machine has ' + `${String(readCpuCount())}):`,
    `  answers       ${describeCpu(first.cpu)}`,
    ...(repeat ? [`  repeats       ${describeCpu(repeat.pass.cpu)}`] : []),
    `  compilations  ${describeCpu(compilation.cpu)}`,
    ...busyWarning('the answers', first.cpu),
    ...busyWarning('the compilations', compilation.cpu),
    ...registered.details.map((detail) => `Registered: ${detail}`),
    ...contents.details.map((detail) => `Compilation: ${detail}`),
    '',
  ];
  process.stdout.write(output.join('\n') + '\n');
}

// ---------------------------------------------------------------------------------------------
// Main

interface Resources {
  api?: Service;
  worker?: Service;
  connection?: Connection;
  tempDir?: string;
}

const resources: Resources = {};

async function main(): Promise<number> {
  resources.tempDir = await prepareRun({
    watched: ['src', 'migrations', 'templates'],
    database: DATABASE,
    queuePrefix: QUEUE_PREFIX,
    tempPrefix: 'remiss-bench-compilation-',
  });
  const mailDir = join(resources.tempDir, 'mail');

  const port = await freePort(PREFERRED_PORT);
  const jwt = randomBytes(32).toString('base64url');
  log(
    `starting node dist/src/main.js with APP_ROLE=api, HTTP_PROCESSES=${HTTP_PROCESSES} ` +
      `on port ${port} (no SMTP: mails are .eml files)`,
  );
  resources.api = startRole('api', port, resources.tempDir, jwt);
  const { baseUrl } = resources.api;
  await waitForHealth(resources.api);
  log('GET /health answers 200 (migrations done); starting APP_ROLE=worker');
  resources.worker = startRole('worker', port, resources.tempDir, jwt);

  const setup = await setUp(baseUrl);
  const invitationsMs = await waitForMails(
    resources.worker,
    mailDir,
    'round-invitation',
    RECIPIENTS,
  );
  log(`all ${RECIPIENTS} invitations written to ${mailDir} after ${ms(invitationsMs)}`);
  const byOrganisation = await readLinks(mailDir, setup.organisations);
  const links = setup.organisations.map((organisation) => byOrganisation.get(organisation.id)!);
  const bodies = answers(setup.organisations);
  log(`read ${links.length} distinct links from the invitations`);

  const connection = await serverConnection(DATABASE);
  resources.connection = connection;
  const pids = {
    api: resources.api.child.pid,
    worker: resources.worker.child.pid,
    mariadbd: await databasePid(),
    redis: await redisPid(),
  };
  await settle(pids.worker);
  await settle(pids.api, { withChildren: CLUSTERED });
  const http = httpPids(resources.api);
  const rssAfterSetupKb = largestKb(http, 'VmRSS');

  const everyone = setup.organisations.map((organisation) => organisation.index);
  log(`answering: ${RECIPIENTS} link holders, ${CONCURRENCY} at a time`);
  const first = await answerPass(baseUrl, links, bodies, everyone, pids, connection);
  log(`answers: ${describePass(first)}; CPU ${describeCpu(first.cpu)}`);
  for (const failure of describeFailures(first)) log(`  ${failure}`);

  // Within the service's repeat window an identical answer is the same answer.
  const now = performance.now();
  const fresh = everyone.filter((index) => now - first.results[index].at < REPEAT_WINDOW_MS);
  let repeat: Summary['repeat'] = null;
  if (fresh.length > 0) {
    const pass = await answerPass(baseUrl, links, bodies, fresh, pids, connection);
    repeat = { pass, indexes: fresh };
    log(`the same answers again: ${describePass(pass)}`);
    for (const failure of describeFailures(pass)) log(`  ${failure}`);
  }
  const registered = await checkRegistered(connection, setup, first, repeat);
  log(`registered once: ${registered.pass ? 'PASS' : 'FAIL'}`);

  // The receipts go out through the worker; let it finish before the compilations are timed.
  const [receipts] = await connection.query<RowDataPacket[]>(
    "SELECT COUNT(*) AS n FROM mail_outbox WHERE kind = 'response-received'",
  );
  const receiptCount = Number(receipts[0].n);
  await waitForMails(resources.worker, mailDir, 'response-received', receiptCount);
  log(`all ${receiptCount} receipts written`);
  await settle(pids.worker);

  const compilation = await measureCompilation(baseUrl, setup.token, setup.roundId, http, pids);
  const contents = await checkCompilation(compilation.document, setup.organisations, bodies);
  log(`compilation contents: ${contents.pass ? 'PASS' : 'FAIL'}`);

  printSummary({
    bodyBytes: bodies.reduce((total, body) => total + Buffer.byteLength(JSON.stringify(body)), 0),
    invitationsMs,
    first,
    repeat,
    registered,
    compilation,
    contents,
    rssAfterSetupKb,
    workerPeakKb: statusKb(pids.worker, 'VmHWM'),
    apiPeakKb: compilation.peakReset
      ? Math.max(compilation.peakBeforeKb ?? 0, compilation.peakKb ?? 0)
      : compilation.peakKb,
  });
  reportServiceOutput([resources.api, resources.worker]);
  return registered.pass && contents.pass ? 0 : 1;
}

await runBenchmark(main, [
  ['closing the mysql2 connection', () => resources.connection?.end()],
  ['stopping the worker process', () => resources.worker && stopService(resources.worker)],
  ['stopping the api process', () => resources.api && stopService(resources.api)],
  ...storageCleanupSteps(DATABASE, QUEUE_PREFIX, () => resources.tempDir),
]);
