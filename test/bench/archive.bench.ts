// Benchmark of the archive export: 1,000 closed cases with 5 documents each, every document with a
// real file of its own in the document store (20–200 kB, about 0.5 GB together), exported through
// POST /api/archive/exports and built by the worker. It reports the time from the request to the
// ready package, the build time, the package's size and number of files, and the worker's peak
// memory during the build; then it downloads the package once and checks its SHA-256 and every
// document in it. Run with `npm run bench:archive` (builds first) or
// `npx tsx test/bench/archive.bench.ts` against an existing build. See test/bench/README.md.
//
// It talks only to 127.0.0.1: MariaDB/MySQL on 3306 (root, no password), Redis on 6379 and the
// two service processes it starts itself. Everything it creates (database remiss_bench_archive,
// Redis keys remiss_bench_archive:*, a temporary directory with the document store and the
// downloaded package) is removed at the end; BENCH_KEEP=1 keeps the database.

import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { createWriteStream, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { type Connection, type RowDataPacket } from 'mysql2/promise';
import {
  DATA_DIR,
  ERMS_PATH,
  METS_PATH,
  README_PATH,
  packageFileName,
} from '../../src/archive/package-layout.js';
import { digestZipEntries } from '../../src/archive/zip-digests.js';
import {
  ADMIN,
  REGISTRAR,
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
  insertRows,
  log,
  loginAsAdmin,
  met,
  prepareRun,
  readCpuCount,
  redisPid,
  reportServiceOutput,
  resetPeak,
  runBenchmark,
  sampleEvery,
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
  type Service,
} from './support.js';

// ---------------------------------------------------------------------------------------------
// Settings

const DATABASE = 'remiss_bench_archive';
const QUEUE_PREFIX = 'remiss_bench_archive';
/** BENCH_CASES: closed cases in the export (at least 1). */
const CASE_COUNT = Math.max(1, envInt('BENCH_CASES', 1_000));
/** BENCH_DOCUMENTS: documents per case, each with its own file (at least 1). */
const DOCUMENTS_PER_CASE = Math.max(1, envInt('BENCH_DOCUMENTS', 5));
const FILE_BYTES = {
  min: envInt('BENCH_MIN_FILE_KB', 20) * 1000,
  max: Math.max(envInt('BENCH_MIN_FILE_KB', 20), envInt('BENCH_MAX_FILE_KB', 200)) * 1000,
} as const;
const TIMEOUT_MS = Math.max(1, envInt('BENCH_TIMEOUT_SECONDS', 900)) * 1000;
const PREFERRED_PORT = envInt('BENCH_PORT', 3993);
const SEED = envInt('BENCH_SEED', 20_261_206);

const SERIES = 'SBN';
const ORGANISATION = 'Samhällsbyggnadsnämnden';
const MUNICIPALITY = 'Norrdalens kommun';
/** The seeded cases lie in the three years before the current one. */
const SEED_YEARS = 3;
const BATCH_ROWS = 1_000;
const CASES_PER_TRANSACTION = 250;
const DAY_MS = 86_400_000;

const RSS_SAMPLE_MS = 50;
const STATUS_POLL_MS = 100;
const WORKER_TIMEOUT_MS = 60_000;
const DOWNLOAD_TIMEOUT_MS = 600_000;

// ---------------------------------------------------------------------------------------------
// Output

const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
const seconds = (value: number): string => `${(value / 1000).toFixed(2)} s`;
const mb = (kb: number | null): string => (kb === null ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const count = (value: number): string => value.toLocaleString('en');
/** kB below a megabyte, else MB. */
const fileSize = (bytes: number | null): string =>
  bytes === null
    ? 'n/a'
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(0)} kB`
      : megabytes(bytes);

// ---------------------------------------------------------------------------------------------
// Deterministic Swedish texts for the seeded cases

/** mulberry32, as in register-seed.ts: every run seeds the same cases (BENCH_SEED). */
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

const random = randomSource(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const between = (low: number, high: number): number =>
  low + Math.floor(random() * (high - low + 1));

/** Column names separated by white space. */
const words = (text: string): readonly string[] => text.trim().split(/\s+/);
/** A word list written as `a | b | c` across lines. */
const list = (text: string): readonly string[] =>
  text.split('|').map((item) => item.trim().replace(/\s+/g, ' '));

const AREAS = list(`
  Norra hamnen | Kvarnbacken | centrala staden | Östra industriområdet | Sjöstaden | Lövängen |
  Björkhagen | stationsområdet | Ängby | Kyrkbyn | Hagalund | Solbacka
`);
const PROPERTIES = list(
  `Ekorren | Björken | Mården | Hammaren | Lärkan | Kvarnen | Ugglan | Vågen`,
);
const BUILDINGS = list(`
  nybyggnad av enbostadshus | tillbyggnad av förskola | ändrad användning av lokal |
  uppförande av skärmtak | rivning av ekonomibyggnad | nybyggnad av flerbostadshus |
  uppförande av mobilmast | fasadändring av flerbostadshus
`);
const REFERRALS = list(`
  Trafikverkets förslag till nationell plan för transportinfrastrukturen |
  Länsstyrelsens förslag till åtgärdsprogram för vattenförvaltning |
  förslag till ändringar i plan- och bygglagen | regionens trafikförsörjningsprogram |
  Boverkets vägledning om detaljplan och dagvatten | förslag till regional utvecklingsstrategi
`);
const PLANS = list(`
  bostäder och förskola | verksamhetsområde | centrumutveckling | äldreboende | idrottshall
`);
const PROPOSALS = list(`
  fler laddstolpar i centrum | belysning längs gång- och cykelvägar | en hundrastgård i Solbacka |
  fler papperskorgar vid badplatser | säkrare skolvägar i Kyrkbyn
`);
const APPLICANTS = list(`
  Anna Lindqvist | Erik Johansson | Fatima Hassan | Lars Bergström | Maria Nyström |
  Johan Ekström | Sara Öberg | Mehmet Yilmaz | Karin Åkesson | Per Sandberg
`);
const AUTHORITIES = list(`
  Länsstyrelsen i Stockholms län | Trafikverket | Lantmäteriet | Region Stockholm | Boverket |
  Naturvårdsverket | Polismyndigheten | Miljö- och hälsoskyddsnämnden | Fastighetsägarna Stockholm |
  Hyresgästföreningen | Norrdalens Energi AB | Norrdalens Bostäder AB
`);
const NEIGHBOURS = list(`
  Grannar på Kvarnbacken | Bostadsrättsföreningen Lärkan | Villaägarna i Ängby |
  Hagalunds samfällighetsförening
`);
const INTERNAL_TITLES = list(`
  Tjänsteskrivelse | Utredning | PM om gällande detaljplan | Förvaltningens beslutsförslag |
  Protokollsutdrag från arbetsutskottet
`);
const CLOSED_REASONS = list(`
  Beslut fattat och expedierat | Yttrande avgivet | Ärendet avskrivet efter återkallelse |
  Beslutet har vunnit laga kraft | Besvarat och avslutat
`);
const CLASSIFICATIONS = ['3.1.1', '3.1.2', '3.2', '3.4.1', '1.4.2'];

interface SeedCase {
  title: string;
  description: string;
  /** The one outside the authority the case is about. */
  counterpart: string;
}

function seedCase(year: number): SeedCase {
  switch (between(0, 4)) {
    case 0: {
      const applicant = pick(APPLICANTS);
      const property = `${pick(PROPERTIES)} ${between(1, 40)}:${between(1, 300)}`;
      return {
        title: `Ansökan om bygglov för ${pick(BUILDINGS)} på fastigheten ${property}`,
        description:
          `Sökanden ${applicant} ansöker om bygglov. Grannar har hörts och ` +
          `förvaltningen har prövat ansökan mot gällande detaljplan.`,
        counterpart: applicant,
      };
    }
    case 1: {
      const authority = pick(AUTHORITIES.slice(0, 6));
      return {
        title: `Yttrande över ${pick(REFERRALS)}`,
        description: `${authority} har remitterat förslaget till nämnden för yttrande senast ${between(1, 28)} ${pick(['mars', 'maj', 'september', 'november'])} ${year}.`,
        counterpart: authority,
      };
    }
    case 2: {
      const area = pick(AREAS);
      return {
        title: `Detaljplan för ${area}, ${pick(PLANS)}`,
        description: `Planen prövar ${pick(PLANS)} i ${area}. Samråd och granskning har genomförts.`,
        counterpart: pick(AUTHORITIES),
      };
    }
    case 3: {
      const proposer = pick(APPLICANTS);
      return {
        title: `Medborgarförslag om ${pick(PROPOSALS)}`,
        description: `${proposer} föreslår att kommunen ser över frågan. Förslaget har beretts av förvaltningen.`,
        counterpart: proposer,
      };
    }
    default: {
      const neighbours = pick(NEIGHBOURS);
      return {
        title: `Klagomål på störande byggverksamhet i ${pick(AREAS)}`,
        description: `${neighbours} klagar på buller och arbetstider. Tillsyn har utförts på plats.`,
        counterpart: neighbours,
      };
    }
  }
}

interface SeedDocument {
  direction: 'incoming' | 'outgoing' | 'internal';
  title: string;
  counterpart: string | null;
}

/** The documents of a case: what came in, the handling, and the decision sent out. */
function seedDocuments(counterpart: string): SeedDocument[] {
  const documents: SeedDocument[] = [];
  for (let number = 1; number <= DOCUMENTS_PER_CASE; number += 1) {
    if (number === 1) {
      const kind = pick(['Ansökan', 'Remiss', 'Skrivelse', 'Begäran om yttrande']);
      documents.push({ direction: 'incoming', title: `${kind} från ${counterpart}`, counterpart });
    } else if (number === DOCUMENTS_PER_CASE) {
      const kind = pick(['Beslut', 'Yttrande', 'Underrättelse om beslut']);
      documents.push({ direction: 'outgoing', title: `${kind} till ${counterpart}`, counterpart });
    } else {
      switch (between(0, 3)) {
        case 0:
          documents.push({
            direction: 'incoming',
            title: `Kompletterande handlingar från ${counterpart}`,
            counterpart,
          });
          break;
        case 1: {
          const authority = pick(AUTHORITIES);
          documents.push({
            direction: 'outgoing',
            title: `Begäran om yttrande till ${authority}`,
            counterpart: authority,
          });
          break;
        }
        default:
          documents.push({
            direction: 'internal',
            title: pick(INTERNAL_TITLES),
            counterpart: null,
          });
      }
    }
  }
  return documents;
}

// ---------------------------------------------------------------------------------------------
// Document files: a one-page PDF with the document's heading and a scanned page of noise

/** Text in a PDF string: WinAnsi bytes (å, ä, ö are there), with `\`, `(` and `)` escaped. */
function pdfText(text: string): string {
  return text.replace(/[^\x20-\xff]/g, '-').replace(/[\\()]/g, (found) => `\\${found}`);
}

/**
 * A valid one-page PDF of about `bytes` bytes: the heading as text and an uncompressed greyscale
 * image whose pixels are a keystream of the document number, so every file's bytes differ and
 * compress no better than a real scan.
 */
function pdfFile(heading: readonly string[], documentNumber: string, bytes: number): Buffer {
  const width = 600;
  const height = Math.max(1, Math.ceil(Math.max(0, bytes - 1_000) / width));
  const key = createHash('sha256').update(`${SEED}:${documentNumber}`).digest();
  const pixels = createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(
    Buffer.alloc(width * height),
  );
  const content = [
    'BT /F1 14 Tf 56 780 Td 18 TL',
    ...heading.map((line) => `(${pdfText(line)}) '`),
    'ET',
    `q 483 0 0 ${Math.min(600, Math.round((483 * height) / width))} 56 100 cm /Im1 Do Q`,
  ].join('\n');
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>', 'latin1'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>', 'latin1'),
    Buffer.from(
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] ' +
        '/Resources << /Font << /F1 4 0 R >> /XObject << /Im1 6 0 R >> >> /Contents 5 0 R >>',
      'latin1',
    ),
    Buffer.from(
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
      'latin1',
    ),
    Buffer.concat([
      Buffer.from(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n`, 'latin1'),
      Buffer.from(content, 'latin1'),
      Buffer.from('\nendstream', 'latin1'),
    ]),
    Buffer.concat([
      Buffer.from(
        `<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} ` +
          `/ColorSpace /DeviceGray /BitsPerComponent 8 /Length ${pixels.length} >>\nstream\n`,
        'latin1',
      ),
      pixels,
      Buffer.from('\nendstream', 'latin1'),
    ]),
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0].length;
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(offset);
    const object = Buffer.concat([
      Buffer.from(`${index + 1} 0 obj\n`, 'latin1'),
      body,
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    parts.push(object);
    offset += object.length;
  });
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((at) => `${String(at).padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${objects.length + 1} /Root 1 0 R >>`,
    'startxref',
    String(offset),
    '%%EOF',
    '',
  ].join('\n');
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------
// Seeding, straight into the database and the document store

const CASE_COLUMNS = words(`
  id case_number series_code year sequence title description organisation_id officer_id
  classification confidential status closed_reason closed_at document_count registered_by
  version created_at updated_at
`);
const DOCUMENT_COLUMNS = words(`
  id case_id number document_number direction title counterpart document_date registered_at
  registered_by file_name mime_type size sha256 confidentiality
`);
const AUDIT_COLUMNS = words(`
  occurred_at actor_user_id actor_label action entity entity_id before_state after_state
`);

type Row = (string | number | null)[];

const sqlInstant = (time: number): string =>
  new Date(time).toISOString().slice(0, 23).replace('T', ' ');
const sqlDay = (time: number): string => new Date(time).toISOString().slice(0, 10);

/** A seeded document as the package must hold it. */
interface SeededFile {
  documentNumber: string;
  size: number;
  sha256: string;
}

interface SeedResult {
  cases: number;
  documents: number;
  auditEvents: number;
  fileBytes: number;
  files: Map<string, SeededFile>;
  seconds: number;
}

/** The file's place in the store: `ab/cd/<sha256>` (src/documents/storage/local-disk.storage.ts). */
const storePath = (storageDir: string, sha256: string): string =>
  join(storageDir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);

/**
 * Seeds CASE_COUNT closed cases of the series, DOCUMENTS_PER_CASE documents each with its file
 * in the store, and the audit trail of each (created, every document registered, closed): one
 * transaction per batch of cases.
 */
async function seedArchive(options: {
  organisationId: number;
  registrarId: number;
  storageDir: string;
  currentYear: number;
}): Promise<SeedResult> {
  const { organisationId, registrarId, storageDir, currentYear } = options;
  const began = performance.now();
  const connection = await serverConnection(DATABASE);
  const files = new Map<string, SeededFile>();
  const lastValues = new Map<number, number>();
  let caseRows: Row[] = [];
  let documentRows: Row[] = [];
  let auditRows: Row[] = [];
  let caseId = 0;
  let documentId = 0;
  let auditEvents = 0;
  let fileBytes = 0;

  const flush = async (): Promise<void> => {
    if (caseRows.length === 0) return;
    await connection.beginTransaction();
    try {
      await insertRows(connection, 'case_record', CASE_COLUMNS, caseRows, BATCH_ROWS);
      await insertRows(connection, 'document', DOCUMENT_COLUMNS, documentRows, BATCH_ROWS);
      await insertRows(connection, 'audit_event', AUDIT_COLUMNS, auditRows, BATCH_ROWS);
      await connection.commit();
    } catch (error) {
      await connection.rollback();
      throw error;
    }
    auditEvents += auditRows.length;
    caseRows = [];
    documentRows = [];
    auditRows = [];
  };
  const audit = (
    time: number,
    action: string,
    entity: string,
    id: number,
    before: object | null,
    after: object,
  ): void => {
    auditRows.push([
      sqlInstant(time),
      registrarId,
      REGISTRAR.email,
      action,
      entity,
      String(id),
      before === null ? null : JSON.stringify(before),
      JSON.stringify(after),
    ]);
  };

  try {
    const firstYear = currentYear - SEED_YEARS;
    const perYear = Math.ceil(CASE_COUNT / SEED_YEARS);
    for (let year = firstYear; year < currentYear && caseId < CASE_COUNT; year += 1) {
      const yearStart = Date.UTC(year, 0, 1);
      // A case's documents (at most 15 days apart) and its closing stay inside its year.
      const margin = Math.min(300, DOCUMENTS_PER_CASE * 15 + 10) * DAY_MS;
      const span = Date.UTC(year + 1, 0, 1) - yearStart - margin;
      const inYear = Math.min(perYear, CASE_COUNT - caseId);
      for (let sequence = 1; sequence <= inYear; sequence += 1) {
        caseId += 1;
        const caseNumber = `${SERIES} ${year}/${String(sequence).padStart(4, '0')}`;
        const created = yearStart + Math.floor(((sequence - 1 + random()) / inYear) * span);
        const subject = seedCase(year);
        audit(created, 'case.created', 'case', caseId, null, {
          caseNumber,
          title: subject.title,
          status: 'open',
        });
        let registered = created + between(0, 2) * DAY_MS + between(60, 600) * 1000;
        for (const [index, document] of seedDocuments(subject.counterpart).entries()) {
          documentId += 1;
          const number = index + 1;
          const documentNumber = `${caseNumber}-${number}`;
          const fileName = `${document.title.split(' ')[0]}_${documentNumber.replace(/[ /]/g, '-')}.pdf`;
          const bytes = pdfFile(
            [MUNICIPALITY, ORGANISATION, `Dnr ${caseNumber}`, document.title, subject.title],
            documentNumber,
            between(FILE_BYTES.min, FILE_BYTES.max),
          );
          const sha256 = createHash('sha256').update(bytes).digest('hex');
          const path = storePath(storageDir, sha256);
          await mkdir(join(path, '..'), { recursive: true });
          await writeFile(path, bytes);
          fileBytes += bytes.length;
          files.set(`${DATA_DIR}/${packageFileName(documentNumber, fileName, 'application/pdf')}`, {
            documentNumber,
            size: bytes.length,
            sha256,
          });
          const dated = document.direction === 'incoming' ? between(0, 3) * DAY_MS : 0;
          documentRows.push([
            documentId,
            caseId,
            number,
            documentNumber,
            document.direction,
            document.title,
            document.counterpart,
            sqlDay(registered - dated),
            sqlInstant(registered),
            registrarId,
            fileName,
            'application/pdf',
            bytes.length,
            sha256,
            null,
          ]);
          audit(registered, 'document.registered', 'document', documentId, null, {
            documentNumber,
            title: document.title,
            direction: document.direction,
            size: bytes.length,
            sha256,
          });
          registered += between(1, 14) * DAY_MS + between(60, 3_600) * 1000;
        }
        const closed = registered + between(0, 5) * DAY_MS;
        const reason = pick(CLOSED_REASONS);
        audit(
          closed,
          'case.closed',
          'case',
          caseId,
          { status: 'open' },
          { status: 'closed', reason },
        );
        caseRows.push([
          caseId,
          caseNumber,
          SERIES,
          year,
          sequence,
          subject.title,
          subject.description,
          organisationId,
          registrarId,
          random() < 0.8 ? pick(CLASSIFICATIONS) : null,
          0,
          'closed',
          reason,
          sqlInstant(closed),
          DOCUMENTS_PER_CASE,
          registrarId,
          2,
          sqlInstant(created),
          sqlInstant(closed),
        ]);
        lastValues.set(year, sequence);
        if (caseRows.length >= CASES_PER_TRANSACTION) await flush();
      }
      log(`  seeded ${count(caseId)} cases (through ${SERIES} ${year})`);
    }
    await flush();
    await connection.query(
      'INSERT INTO case_number_sequence (series_code, year, last_value) VALUES ?',
      [[...lastValues].map(([year, lastValue]) => [SERIES, year, lastValue])],
    );
    await connection.query('ANALYZE TABLE case_record, document, audit_event');
  } finally {
    await connection.end();
  }
  return {
    cases: caseId,
    documents: documentId,
    auditEvents,
    fileBytes,
    files,
    seconds: (performance.now() - began) / 1000,
  };
}

// ---------------------------------------------------------------------------------------------
// The service under test: one `api` process and one `worker` process

/** Both share the database, queue prefix, JWT secret and document store; only the api has an admin. */
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
      JWT_SECRET: jwt,
      MUNICIPALITY_NAME: MUNICIPALITY,
      BOOTSTRAP_ADMIN_EMAIL: role === 'api' ? ADMIN.email : '',
      BOOTSTRAP_ADMIN_PASSWORD: role === 'api' ? ADMIN.password : '',
    },
  });
}

/** The worker is ready when its BullMQ worker for the archive queue is connected to Redis. */
function waitForWorker(service: Service): Promise<void> {
  const name = `${QUEUE_PREFIX}:${Buffer.from('archive').toString('base64')}`;
  return waitUntil(
    service,
    'the worker did not connect to the archive queue',
    WORKER_TIMEOUT_MS,
    () =>
      withRedis(async (redis) => {
        const clients = await redis.call('CLIENT', 'LIST');
        if (typeof clients !== 'string') return false;
        return clients.split('\n').some((line) => {
          const client = / name=(\S*)/.exec(line)?.[1] ?? '';
          return client === name || client.startsWith(`${name}:w:`);
        });
      }),
  );
}

// ---------------------------------------------------------------------------------------------
// Measurements

interface ExportStatus {
  id: number;
  status: 'queued' | 'building' | 'ready' | 'failed';
  packageId: string;
  caseCount: number;
  documentCount: number;
  size: number | null;
  sha256: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

interface Sampled {
  /** The largest VmRSS sample, in kB. */
  maxKb: number | null;
  /** When it was taken, in ms after the sampling began. */
  atMs: number;
}

/** Samples VmRSS of a process every RSS_SAMPLE_MS; `stop` gives the largest sample and when. */
function rssSampler(pid: number | undefined): { stop: () => Sampled } {
  const began = performance.now();
  const largest: Sampled = { maxKb: null, atMs: 0 };
  return sampleEvery(
    RSS_SAMPLE_MS,
    () => {
      const rss = statusKb(pid, 'VmRSS');
      if (rss !== null && rss > (largest.maxKb ?? 0)) {
        largest.maxKb = rss;
        largest.atMs = performance.now() - began;
      }
    },
    () => ({ ...largest }),
  );
}

/**
 * The worker's RSS and the builder's work folder (`exports/.work-<id>-<attempt>/package.zip`),
 * sampled together: the zip file appears once erms.xml is written and validated, grows while the
 * documents stream in, then stays while it is read back and checked.
 */
interface BuildSample {
  atMs: number;
  rssKb: number | null;
  zipBytes: number | null;
}

function buildSampler(pid: number | undefined, exportsDir: string): { stop: () => BuildSample[] } {
  const began = performance.now();
  const samples: BuildSample[] = [];
  const zipBytes = (): number | null => {
    try {
      const work = readdirSync(exportsDir).find((name) => name.startsWith('.work-'));
      return work === undefined ? null : statSync(join(exportsDir, work, 'package.zip')).size;
    } catch {
      return null;
    }
  };
  return sampleEvery(
    RSS_SAMPLE_MS,
    () => {
      samples.push({
        atMs: performance.now() - began,
        rssKb: statusKb(pid, 'VmRSS'),
        zipBytes: zipBytes(),
      });
    },
    () => samples,
  );
}

/** One phase of the build as the samples show it: its span and the worker's largest RSS in it. */
interface Phase {
  name: string;
  fromMs: number;
  toMs: number;
  maxRssKb: number | null;
}

/**
 * Splits the samples at the first one with a zip file and at the first one where the zip had its
 * final size: metadata (reading the cases, writing and validating erms.xml), writing the zip, and
 * reading it back until ready. Empty when the zip was never seen (a build faster than a sample).
 */
function phases(samples: readonly BuildSample[], endMs: number): Phase[] {
  const zipStart = samples.findIndex((sample) => sample.zipBytes !== null);
  if (zipStart < 0) return [];
  const finalBytes = Math.max(...samples.map((sample) => sample.zipBytes ?? 0));
  const zipEnd = samples.findIndex((sample) => sample.zipBytes === finalBytes);
  const span = (name: string, from: number, to: number, toMs: number): Phase => {
    const inside = samples.slice(from, to).flatMap((sample) => sample.rssKb ?? []);
    return {
      name,
      fromMs: samples[from]?.atMs ?? 0,
      toMs,
      maxRssKb: inside.length === 0 ? null : Math.max(...inside),
    };
  };
  return [
    span(
      'metadata: cases read, erms.xml written and validated',
      0,
      zipStart,
      samples[zipStart].atMs,
    ),
    span('zip written (documents streamed in)', zipStart, zipEnd + 1, samples[zipEnd].atMs),
    span('zip read back and checked, then ready', zipEnd + 1, samples.length, endMs),
  ];
}

interface Build {
  status: ExportStatus;
  /** From sending the POST to the poll that saw `ready`. */
  wallMs: number;
  /** How long the POST took to answer 202. */
  requestMs: number;
  /** finishedAt − startedAt, as the service recorded them. */
  buildMs: number;
  /** startedAt − createdAt: the wait in the queue. */
  queuedMs: number;
  polls: number;
  worker: Memory;
  phases: Phase[];
  apiPeakKb: number | null;
  cpu: CpuShares;
}

interface Memory {
  beforeKb: number | null;
  /** VmHWM since the reset just before the POST (or since start, if it could not be reset). */
  peakKb: number | null;
  maxSampledKb: number | null;
  /** When the largest sample was taken, in ms after the POST was sent. */
  maxSampledAtMs: number;
  peakReset: boolean;
  /** VmHWM since the process started, read before the reset. */
  peakSinceStartKb: number | null;
}

type BuildOutcome = { ok: true; build: Build } | { ok: false; status: ExportStatus };

/** POST the export of the series, then poll its status until it is ready or failed. */
async function measureBuild(
  baseUrl: string,
  token: string,
  pids: Record<string, number | undefined>,
  exportsDir: string,
): Promise<BuildOutcome> {
  const peakSinceStartKb = statusKb(pids.worker, 'VmHWM');
  const beforeKb = statusKb(pids.worker, 'VmRSS');
  const peakReset = resetPeak([pids.worker]);
  const apiReset = resetPeak([pids.api]);
  const workerSampler = buildSampler(pids.worker, exportsDir);
  const apiSampler = rssSampler(pids.api);
  const stopCpu = cpuProbe(pids);
  const began = performance.now();
  let status: ExportStatus;
  let polls = 0;
  try {
    status = await api<ExportStatus>(baseUrl, 'POST', '/api/archive/exports', {
      token,
      body: { series: SERIES },
      expect: 202,
    });
    const requestMs = performance.now() - began;
    log(
      `POST /api/archive/exports answered 202 in ${ms(requestMs)}: export ${status.id}, ` +
        `${count(status.caseCount)} cases, ${count(status.documentCount)} documents, ${status.status}`,
    );
    const deadline = began + TIMEOUT_MS;
    let lastStatus = status.status;
    while (status.status === 'queued' || status.status === 'building') {
      if (performance.now() > deadline) {
        throw new Error(
          `export ${status.id} is still ${status.status} after ${TIMEOUT_MS / 1000} s`,
        );
      }
      await sleep(STATUS_POLL_MS);
      status = await api<ExportStatus>(baseUrl, 'GET', `/api/archive/exports/${status.id}`, {
        token,
      });
      polls += 1;
      if (status.status !== lastStatus) {
        log(`export ${status.id}: ${status.status} after ${seconds(performance.now() - began)}`);
        lastStatus = status.status;
      }
    }
    const wallMs = performance.now() - began;
    const cpu = stopCpu();
    const samples = workerSampler.stop();
    const largest = samples.reduce<BuildSample | null>(
      (found, sample) =>
        sample.rssKb !== null && sample.rssKb > (found?.rssKb ?? -1) ? sample : found,
      null,
    );
    const apiSampled = apiSampler.stop();
    if (status.status !== 'ready') return { ok: false, status };
    const at = (instant: string | null): number => {
      if (instant === null) throw new Error(`export ${status.id} is ready without its times`);
      return Date.parse(instant);
    };
    return {
      ok: true,
      build: {
        status,
        wallMs,
        requestMs,
        buildMs: at(status.finishedAt) - at(status.startedAt),
        queuedMs: at(status.startedAt) - at(status.createdAt),
        polls,
        worker: {
          beforeKb,
          peakKb: statusKb(pids.worker, 'VmHWM'),
          maxSampledKb: largest?.rssKb ?? null,
          maxSampledAtMs: largest?.atMs ?? 0,
          peakReset,
          peakSinceStartKb,
        },
        phases: phases(samples, wallMs),
        apiPeakKb: apiReset
          ? Math.max(statusKb(pids.api, 'VmHWM') ?? 0, apiSampled.maxKb ?? 0)
          : apiSampled.maxKb,
        cpu,
      },
    };
  } finally {
    workerSampler.stop();
    apiSampler.stop();
  }
}

interface Download {
  ms: number;
  bytes: number;
  sha256: string;
  contentLength: number | null;
  path: string;
  apiBeforeKb: number | null;
  apiPeakKb: number | null;
}

/** Downloads the package once to a file, hashing it on the way, as a client would. */
async function download(
  baseUrl: string,
  token: string,
  id: number,
  path: string,
  apiPid: number | undefined,
): Promise<Download> {
  const apiBeforeKb = statusKb(apiPid, 'VmRSS');
  const reset = resetPeak([apiPid]);
  const sampler = rssSampler(apiPid);
  const began = performance.now();
  try {
    const response = await fetch(`${baseUrl}/api/archive/exports/${id}/package`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
    });
    if (response.status !== 200 || response.body === null) {
      throw new Error(
        `GET /api/archive/exports/${id}/package answered ${response.status}: ` +
          (await response.text()).slice(0, 1_000),
      );
    }
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith('application/zip')) throw new Error(`the package came as ${type}`);
    const length = response.headers.get('content-length');
    const hash = createHash('sha256');
    let bytes = 0;
    const counter = new PassThrough();
    counter.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      counter,
      createWriteStream(path) as Writable,
    );
    const elapsed = performance.now() - began;
    const sampled = sampler.stop();
    return {
      ms: elapsed,
      bytes,
      sha256: hash.digest('hex'),
      contentLength: length === null ? null : Number(length),
      path,
      apiBeforeKb,
      apiPeakKb: reset
        ? Math.max(statusKb(apiPid, 'VmHWM') ?? 0, sampled.maxKb ?? 0)
        : sampled.maxKb,
    };
  } finally {
    sampler.stop();
  }
}

interface Check {
  pass: boolean;
  details: string[];
}

interface Contents extends Check {
  entries: number;
  ermsBytes: number | null;
  metsBytes: number | null;
}

/**
 * Reads the downloaded package entry by entry (never whole): the root folder is the package id,
 * METS.xml, README.txt and erms.xml are there, and every seeded document is there exactly once
 * with its own size and SHA-256, and nothing else.
 */
async function checkContents(
  path: string,
  packageId: string,
  files: ReadonlyMap<string, SeededFile>,
): Promise<Contents> {
  const problems: string[] = [];
  const seen = new Set<string>();
  const sizes = new Map<string, number>();
  let entries = 0;
  await digestZipEntries(path, (entry, found) => {
    entries += 1;
    const prefix = `${packageId}/`;
    const name = entry.fileName.startsWith(prefix) ? entry.fileName.slice(prefix.length) : null;
    if (name === null) {
      problems.push(`${entry.fileName} is outside the package's root folder`);
      return;
    }
    if (seen.has(name)) problems.push(`${name} is in the package twice`);
    seen.add(name);
    sizes.set(name, entry.uncompressedSize);
    const want = files.get(name);
    if (!want) {
      if (![METS_PATH, README_PATH, ERMS_PATH].includes(name)) {
        problems.push(`${name} is no seeded document`);
      }
      return;
    }
    if (found.sha256 !== want.sha256 || found.size !== want.size) {
      problems.push(
        `document ${want.documentNumber}: ${found.size} bytes, SHA-256 ${found.sha256} (seeded ${want.size} bytes, ${want.sha256})`,
      );
    }
  });
  for (const name of [METS_PATH, README_PATH, ERMS_PATH]) {
    if (!seen.has(name)) problems.push(`${name} is missing`);
  }
  const missing = [...files.keys()].filter((name) => !seen.has(name));
  if (missing.length > 0) {
    problems.push(`${missing.length} documents missing, e.g. ${missing.slice(0, 3).join(', ')}`);
  }
  const documents = [...seen].filter((name) => files.has(name)).length;
  return {
    pass: problems.length === 0,
    entries,
    ermsBytes: sizes.get(ERMS_PATH) ?? null,
    metsBytes: sizes.get(METS_PATH) ?? null,
    details: [
      `${count(entries)} entries: ${count(documents)} of ${count(files.size)} documents with ` +
        `their seeded size and SHA-256, ${METS_PATH}, ${README_PATH} and ${ERMS_PATH}`,
      ...problems.slice(0, 10).map((problem) => `FAIL: ${problem}`),
      ...(problems.length > 10 ? [`FAIL: … and ${problems.length - 10} more`] : []),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Summary

interface Summary {
  seed: SeedResult;
  build: Build;
  download: Download;
  checksum: Check;
  contents: Contents;
}

function printSummary(summary: Summary): void {
  const { seed, build, download: fetched, checksum, contents } = summary;
  const size = build.status.size ?? 0;
  const growthKb =
    build.worker.peakKb !== null && build.worker.beforeKb !== null
      ? build.worker.peakKb - build.worker.beforeKb
      : null;
  const rows: [string, string, string, string][] = [
    [
      'Export POST /api/archive/exports → ready (wall)',
      `${seconds(build.wallMs)} (POST answered in ${ms(build.requestMs)}; polled every ${STATUS_POLL_MS} ms)`,
      'reported',
      '',
    ],
    [
      'Build in the worker (finishedAt − startedAt)',
      `${seconds(build.buildMs)}, ${megabytes(size / (build.buildMs / 1000))}/s ` +
        `(${seconds(build.queuedMs)} in the queue)`,
      'reported',
      '',
    ],
    ['Package size', `${count(size)} bytes (${megabytes(size)})`, 'reported', ''],
    [
      'Files in the package',
      `${count(contents.entries)} (${count(seed.documents)} documents, METS, README, erms.xml)`,
      'reported',
      '',
    ],
    [
      'Peak RSS of the worker during the build (VmHWM)',
      `${mb(build.worker.peakKb)} (${mb(build.worker.beforeKb)} before, ` +
        `+${mb(growthKb)}; max sampled ${mb(build.worker.maxSampledKb)})`,
      'reported',
      '',
    ],
    [
      'Download GET /api/archive/exports/:id/package',
      `${seconds(fetched.ms)}, ${megabytes(fetched.bytes / (fetched.ms / 1000))}/s; ` +
        `api peak RSS ${mb(fetched.apiPeakKb)} (${mb(fetched.apiBeforeKb)} before)`,
      'reported',
      '',
    ],
    [
      "Downloaded SHA-256 = the status's sha256",
      checksum.pass ? 'PASS' : 'FAIL',
      'equal',
      met(checksum.pass),
    ],
    [
      'Every document in the package, with its SHA-256',
      contents.pass ? 'PASS' : 'FAIL',
      `${count(seed.documents)} documents`,
      met(contents.pass),
    ],
  ];
  const output = [
    '',
    `Summary (${count(seed.cases)} closed ${SERIES} cases, ${DOCUMENTS_PER_CASE} documents each: ` +
      `${count(seed.documents)} files of ${FILE_BYTES.min / 1000}–${FILE_BYTES.max / 1000} kB, ` +
      `${megabytes(seed.fileBytes)} in the store; ${count(seed.auditEvents)} audit events; ` +
      `seeded in ${seed.seconds.toFixed(1)} s, outside the figures)`,
    ...formatTable(['Measurement', 'Result', 'Target', 'Met'], rows),
    '',
    `Package: erms.xml ${fileSize(contents.ermsBytes)} uncompressed, METS.xml ` +
      `${fileSize(contents.metsBytes)}; ` +
      `the documents are ${((seed.fileBytes / size) * 100).toFixed(1)} % of the package.`,
    `Memory of the worker: RSS ${mb(build.worker.beforeKb)} before the POST, peak ` +
      `${mb(build.worker.peakKb)} during the build (` +
      (build.worker.peakReset
        ? 'VmHWM reset just before the POST'
        : 'VmHWM could not be reset: the peak since start') +
      `; VmRSS sampled every ${RSS_SAMPLE_MS} ms, max ${mb(build.worker.maxSampledKb)} ` +
      `${seconds(build.worker.maxSampledAtMs)} after the POST); ` +
      `peak since start before the build ${mb(build.worker.peakSinceStartKb)}. ` +
      `The api process's peak during the build: ${mb(build.apiPeakKb)}.`,
    ...(build.phases.length === 0
      ? []
      : [
          `Phases of the build (the worker's work folder and RSS, sampled every ${RSS_SAMPLE_MS} ms; ` +
            'seconds after the POST):',
          ...build.phases.map(
            (phase) =>
              `  ${(phase.fromMs / 1000).toFixed(2)}–${seconds(phase.toMs)}  ${phase.name}; ` +
              `worker RSS up to ${mb(phase.maxRssKb)}`,
          ),
        ]),
    `Status polls during the build: ${count(build.polls)}.`,
    'CPU during the build (100% = one core, the machine has ' + `${String(readCpuCount())}):`,
    `  ${describeCpu(build.cpu)}`,
    ...busyWarning('the build', build.cpu),
    ...checksum.details.map((detail) => `Download: ${detail}`),
    ...contents.details.map((detail) => `Contents: ${detail}`),
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
    tempPrefix: 'remiss-bench-archive-',
  });
  const storageDir = join(resources.tempDir, 'storage');

  const port = await freePort(PREFERRED_PORT);
  const jwt = randomBytes(32).toString('base64url');
  log(`starting node dist/src/main.js with APP_ROLE=api on port ${port}`);
  resources.api = startRole('api', port, resources.tempDir, jwt);
  const { baseUrl } = resources.api;
  await waitForHealth(resources.api);
  log('GET /health answers 200 (migrations done); starting APP_ROLE=worker');
  resources.worker = startRole('worker', port, resources.tempDir, jwt);

  const admin = await loginAsAdmin(baseUrl);
  const organisation = await createOrganisation(baseUrl, admin, {
    name: ORGANISATION,
    kind: 'committee',
    seriesCode: SERIES,
  });
  const token = await createRegistrar(baseUrl, admin, [organisation.id]);
  const connection = await serverConnection(DATABASE);
  resources.connection = connection;
  const [users] = await connection.query<RowDataPacket[]>('SELECT id FROM user WHERE email = ?', [
    REGISTRAR.email,
  ]);
  const registrarId = Number(users[0].id);
  log(
    `created ${ORGANISATION} (${SERIES}, id ${organisation.id}) and a registrar (id ${registrarId})`,
  );

  const currentYear = Number(stockholmDay(0).slice(0, 4));
  log(
    `seeding ${count(CASE_COUNT)} closed cases (${SERIES} ${currentYear - SEED_YEARS}–${currentYear - 1}) ` +
      `with ${count(CASE_COUNT * DOCUMENTS_PER_CASE)} documents and their files in ${storageDir}`,
  );
  const seed = await seedArchive({
    organisationId: organisation.id,
    registrarId,
    storageDir,
    currentYear,
  });
  log(
    `seeded ${count(seed.cases)} cases, ${count(seed.documents)} documents ` +
      `(${megabytes(seed.fileBytes)} of files) and ${count(seed.auditEvents)} audit events in ` +
      `${seed.seconds.toFixed(1)} s`,
  );

  await waitForWorker(resources.worker);
  const pids = {
    api: resources.api.child.pid,
    worker: resources.worker.child.pid,
    mariadbd: await databasePid(),
    redis: await redisPid(),
  };
  await settle(pids.worker);
  await settle(pids.api);
  log(`the worker (pid ${pids.worker}) is connected to the archive queue and idle`);

  const outcome = await measureBuild(baseUrl, token, pids, join(storageDir, 'exports'));
  if (!outcome.ok) {
    log(`FAIL: export ${outcome.status.id} failed: ${outcome.status.error ?? '(no error given)'}`);
    reportServiceOutput([resources.api, resources.worker]);
    return 1;
  }
  const { build } = outcome;
  log(
    `export ${build.status.id} ready after ${seconds(build.wallMs)}: build ${seconds(build.buildMs)}, ` +
      `${count(build.status.size ?? 0)} bytes; worker peak RSS ${mb(build.worker.peakKb)} ` +
      `(${mb(build.worker.beforeKb)} before)`,
  );

  await settle(pids.api);
  const fetched = await download(
    baseUrl,
    token,
    build.status.id,
    join(resources.tempDir, 'package.zip'),
    pids.api,
  );
  const checksumProblems: string[] = [];
  if (fetched.sha256 !== build.status.sha256) {
    checksumProblems.push(`SHA-256 ${fetched.sha256}, the status says ${build.status.sha256}`);
  }
  if (fetched.bytes !== build.status.size || fetched.contentLength !== build.status.size) {
    checksumProblems.push(
      `${fetched.bytes} bytes (Content-Length ${fetched.contentLength}), the status says ${build.status.size}`,
    );
  }
  const checksum: Check = {
    pass: checksumProblems.length === 0,
    details: [
      `${count(fetched.bytes)} bytes, SHA-256 ${fetched.sha256}`,
      ...checksumProblems.map((problem) => `FAIL: ${problem}`),
    ],
  };
  log(`download: ${seconds(fetched.ms)}; SHA-256 ${checksum.pass ? 'PASS' : 'FAIL'}`);
  const contents = await checkContents(fetched.path, build.status.packageId, seed.files);
  log(`contents: ${contents.pass ? 'PASS' : 'FAIL'}`);

  printSummary({ seed, build, download: fetched, checksum, contents });
  reportServiceOutput([resources.api, resources.worker]);
  return checksum.pass && contents.pass ? 0 : 1;
}

await runBenchmark(main, [
  ['closing the mysql2 connection', () => resources.connection?.end()],
  ['stopping the worker process', () => resources.worker && stopService(resources.worker)],
  ['stopping the api process', () => resources.api && stopService(resources.api)],
  ...storageCleanupSteps(DATABASE, QUEUE_PREFIX, () => resources.tempDir),
]);
