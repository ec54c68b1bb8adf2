// The case register the benchmarks measure on: 100,000 SFN cases over the ten years before the
// current one and three documents each, written straight into the tables with multi-row INSERTs.
// Titles and descriptions are assembled from Swedish municipal phrases with a seeded generator, so
// every run seeds the same register (BENCH_SEED). About 1 % of the cases mention RARE_WORD.

import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { caseTerms } from '../../src/cases/case-terms.js';
import { envInt, insertRows, log, serverConnection } from './support.js';

/** BENCH_CASES: the size of the register (at least 10). */
export const CASE_COUNT = Math.max(10, envInt('BENCH_CASES', 100_000));
export const DOCUMENTS_PER_CASE = 3;
export const SEED_YEARS = 10;
export const BATCH_ROWS = 2_000;
export const RARE_WORD = 'inkludering';
const RARE_SHARE = 0.01;

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
// Seeding

export interface SeedResult {
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

/**
 * Seeds the SFN series of the ten years before the current one straight into the database, one
 * transaction per batch of cases together with their documents.
 */
export async function seedRegister(options: {
  database: string;
  organisationId: number;
  currentYear: number;
  /** How many cases (DOCUMENTS_PER_CASE documents each). */
  cases: number;
}): Promise<SeedResult> {
  const { organisationId, currentYear } = options;
  const CASE_COUNT = options.cases;
  const began = performance.now();
  const connection = await serverConnection(options.database);
  const firstYear = currentYear - SEED_YEARS;
  const perYear = Math.ceil(CASE_COUNT / SEED_YEARS);
  const lastValues = new Map<number, number>();
  let caseRows: Row[] = [];
  let documentRows: Row[] = [];
  // The search terms of each case (src/cases/case-terms.ts), as the service keeps them.
  let termRows: [string, number][] = [];
  let caseId = 0;
  let documentId = 0;
  let rareCases = 0;

  const flush = async (): Promise<void> => {
    if (caseRows.length === 0) return;
    await connection.beginTransaction();
    try {
      await insertRows(connection, 'case_record', CASE_COLUMNS, caseRows, BATCH_ROWS);
      await insertRows(connection, 'document', DOCUMENT_COLUMNS, documentRows, BATCH_ROWS);
      // In key order, so the rows append to the primary key's pages instead of splitting them.
      termRows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
      await insertRows(connection, 'case_search_term', ['term', 'case_id'], termRows, 10_000);
      await connection.commit();
    } catch (error) {
      await connection.rollback();
      throw error;
    }
    caseRows = [];
    documentRows = [];
    termRows = [];
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
        for (const term of caseTerms(title, description)) termRows.push([term, caseId]);
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
    log('  ANALYZE TABLE case_record, document, case_search_term');
    await connection.query('ANALYZE TABLE case_record, document, case_search_term');
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
