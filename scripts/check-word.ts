// Renders the Word documents the service generates through LibreOffice and checks the PDFs: the
// § 19 extract (adjusted and draft), a 30-paragraph protocol, a compilation and Servicenämnden's
// memo (tjänsteskrivelse, final and draft). Word output that only unit tests have read can still
// fall apart in a real renderer (auto-width tables, missing fields, a header that eats the page);
// this catches that.
//
//   npm run check:word          CHECK_WORD_KEEP=1 keeps the .docx and .pdf files
//
// Needs `soffice` on PATH (without it: a notice and exit 0, but exit 1 under CI=true); uses `pdfinfo` and `pdftotext`
// (poppler-utils) when present, else counts the PDF's page objects and skips the text checks.

import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  buildCompilation,
  type CompilationData,
  type CompilationWording,
} from '../src/word/compilation.docx.js';
import { buildExtract, buildProtocol, type WordWording } from '../src/word/extract.docx.js';
import { buildMemo, type MemoData, type MemoWording } from '../src/word/memo.docx.js';
import { ITEM_19, MEETING_19, protocolItems, solidPng } from '../test/fixtures/paragraph-19.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CONVERT_TIMEOUT_MS = 180_000;
const PROTOCOL_PARAGRAPHS = 30;

interface Check {
  file: string;
  build: () => Promise<Buffer>;
  pages: [min: number, max: number];
  /** Text the PDF must contain. */
  contains: string[];
  /** Text it must not contain. */
  lacks?: string[];
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((directory) => {
    try {
      accessSync(join(directory, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const readJson = <T>(path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as T;

/** The configured logo if there is one, else a stand-in of logo proportions. */
function logo(): Buffer {
  try {
    return readFileSync(join(ROOT, 'templates/word/logo.png'));
  } catch {
    return solidPng(350, 120);
  }
}

const compilation: CompilationData = {
  municipalityName: MEETING_19.municipalityName,
  caseNumber: ITEM_19.caseNumber!,
  roundTitle: 'Strategi för etnisk och kulturell inkludering',
  deadline: '2021-08-20',
  compiledOn: '2021-09-15',
  recipients: [
    {
      organisation: 'Barn- och ungdomsnämnden',
      deadline: '2021-08-20',
      answer: {
        position: 'approve',
        answeredOn: '2021-08-18',
        late: false,
        decision: null,
        summary: 'Nämnden tillstyrker.',
      },
    },
    { organisation: 'Omsorgsnämnden', deadline: '2021-08-20', answer: null },
    {
      organisation: 'Servicenämnden',
      deadline: '2021-09-10',
      extended: true,
      answer: {
        position: 'approve_with_comments',
        answeredOn: '2021-09-08',
        late: false,
        decision: 'Servicenämnden 2021-09-08 § 87, dnr SFN 2021/0130',
        summary: 'Nämnden har synpunkter på punkt 4.3 a.',
      },
    },
  ],
  sections: [
    {
      ref: '4.3 a',
      title: 'Attraktiva mötesplatser',
      comments: [
        { organisation: 'Servicenämnden', text: 'Förvaltningen kan inte vara huvudansvarig.' },
      ],
    },
  ],
};

// Servicenämnden's tjänsteskrivelse of the real case (reference 003), shortened.
const memo: MemoData = {
  municipalityName: MEETING_19.municipalityName,
  officer: 'Martina Adiels Balk',
  officerPhone: '450574',
  date: '2021-09-08',
  caseNumber: 'SFN 2021/0130',
  committee: 'Servicenämnden',
  roundTitle: 'Förslag till strategi för etnisk och kulturell inkludering',
  sender: 'Kommunstyrelsen',
  senderCaseNumber: ITEM_19.caseNumber!,
  deadline: '2021-09-10',
  receivedOn: '2021-06-24',
  originalDeadline: '2021-08-20',
  proposal: null,
  background: null,
  statement: [
    'Förvaltningen är positiv till att det skapas en tydlighet kring arbetet med etnisk och kulturell inkludering inom Kalmar kommun.',
    'Strategin kräver verksamhetsutvecklare eller särskilt utsedd kontaktperson från förvaltningen. Denna resurs finns inte idag utan omprioriteringar i verksamheten krävs för uppdraget.',
    'Stöd från strategisk nivå bedöms som avgörande för att kunna lyckas i detta arbete.',
  ].join('\n\n'),
  comments: [
    {
      sectionRef: '4.3 a',
      sectionTitle: 'Attraktiva mötesplatser',
      text: 'Serviceförvaltningen beslutar inte kring etablering av mötesplatser i bostadsområden och kan således inte vara huvudansvariga för denna punkt. Dock så kan förvaltningen bidra till att uppföra och underhålla beslutade mötesplatser.',
    },
  ],
  signatures: [
    { name: 'Peter Arnesson', title: 'Förvaltningschef' },
    { name: 'Martina Adiels Balk', title: 'Stabschef' },
  ],
  attachments: [
    'Bilaga 1, Strategi för etnisk och kulturell inkludering.',
    'Bilaga 2, Utdrag från kommunstyrelsens arbetsutskott, § 19.',
  ],
  draft: false,
  confidentiality: null,
};

function checks(): Check[] {
  const wording = readJson<WordWording>('templates/word/extract.json');
  const memoWording = readJson<MemoWording>('templates/word/memo.json');
  const image = logo();
  const items = protocolItems(PROTOCOL_PARAGRAPHS);
  const last = items[items.length - 1].paragraph;
  const caseNumber = ITEM_19.caseNumber!;
  return [
    {
      file: 'extract-19.docx',
      build: () => buildExtract(MEETING_19, ITEM_19, wording, image),
      pages: [2, 2],
      contains: ['UTDRAG', '§ 19', caseNumber, 'Utdragsbestyrkande', 'Sida 2 (2)'],
      lacks: ['UTKAST'],
    },
    {
      file: 'extract-19-draft.docx',
      build: () => buildExtract(MEETING_19, { ...ITEM_19, adjustedOn: null }, wording, null),
      pages: [2, 3],
      contains: ['UTKAST', '§ 19', caseNumber],
      lacks: ['UTDRAG'],
    },
    {
      file: `protocol-${PROTOCOL_PARAGRAPHS}.docx`,
      build: () => buildProtocol(MEETING_19, items, wording, image),
      pages: [10, 18],
      contains: [
        'SAMMANTRÄDESPROTOKOLL',
        'ANSLAG/BEVIS',
        `§§ 19–${last}`,
        '§ 19',
        `§ ${last}`,
        caseNumber,
        'Justerandes signatur',
      ],
      lacks: ['UTKAST'],
    },
    {
      file: 'compilation.docx',
      build: () =>
        buildCompilation(
          compilation,
          readJson<CompilationWording>('templates/word/compilation.json'),
        ),
      pages: [1, 3],
      // The table's header and dates on one line each: nothing broken mid-word.
      contains: [
        'Remissammanställning',
        caseNumber,
        '4.3 a Attraktiva mötesplatser',
        'Ställningstagande',
        '2021-08-18',
        '2021-09-08',
        'anstånd till',
      ],
    },
    {
      file: 'memo.docx',
      build: () => buildMemo(memo, memoWording, image),
      pages: [1, 2],
      contains: [
        'TJÄNSTESKRIVELSE',
        memo.caseNumber,
        'Remissvar gällande förslag till strategi för etnisk och kulturell inkludering',
        'överlämnar det till kommunstyrelsen för vidare handläggning',
        'Remissen kom in 2021-06-24',
        'Punkt 4.3 a, Attraktiva mötesplatser:',
        'Stabschef',
        'Bilaga 2, Utdrag',
      ],
      lacks: ['UTKAST'],
    },
    {
      file: 'memo-draft.docx',
      build: () =>
        buildMemo({ ...memo, statement: null, signatures: [], draft: true }, memoWording, null),
      pages: [1, 2],
      contains: ['TJÄNSTESKRIVELSE', 'UTKAST', '[Skriv förvaltningens yttrande här.]'],
    },
  ];
}

function pageCount(pdf: string): number {
  if (onPath('pdfinfo')) {
    const info = spawnSync('pdfinfo', [pdf], { encoding: 'utf8' });
    const match = /^Pages:\s+(\d+)/m.exec(info.stdout);
    if (match) return Number(match[1]);
  }
  // Page objects, not the /Pages tree nodes.
  return (readFileSync(pdf, 'latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

function pdfText(pdf: string): string | null {
  if (!onPath('pdftotext')) return null;
  const result = spawnSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout : null;
}

const kilobytes = (path: string) => `${(statSync(path).size / 1024).toFixed(1)} KB`;

async function main(): Promise<number> {
  if (!onPath('soffice')) {
    // CI must prove the documents open; elsewhere a missing LibreOffice is only a notice.
    const inCi = process.env.CI === 'true';
    console.log(
      `check:word ${inCi ? 'failed' : 'skipped'}: soffice (LibreOffice) is not on PATH ` +
        '(apt-get install libreoffice-writer poppler-utils)',
    );
    return inCi ? 1 : 0;
  }
  const directory = mkdtempSync(join(tmpdir(), 'check-word-'));
  const keep = process.env.CHECK_WORD_KEEP === '1';
  let failed = false;
  try {
    const list = checks();
    for (const check of list) {
      writeFileSync(join(directory, check.file), await check.build());
    }
    // One LibreOffice start for all files, with a throwaway profile so that a desktop session or
    // a parallel run cannot lock it.
    const profile = pathToFileURL(join(directory, 'profile')).href;
    const conversion = spawnSync(
      'soffice',
      [
        `-env:UserInstallation=${profile}`,
        '--headless',
        '--convert-to',
        'pdf',
        '--outdir',
        directory,
        ...list.map((check) => join(directory, check.file)),
      ],
      { encoding: 'utf8', timeout: CONVERT_TIMEOUT_MS },
    );
    if (conversion.error || conversion.status !== 0) {
      console.log(`soffice failed: ${conversion.error?.message ?? conversion.stderr}`);
      return 1;
    }
    const textChecked = onPath('pdftotext');
    for (const check of list) {
      const docx = join(directory, check.file);
      const pdf = docx.replace(/\.docx$/, '.pdf');
      const problems: string[] = [];
      let pages = 0;
      try {
        statSync(pdf);
        pages = pageCount(pdf);
      } catch {
        problems.push('no PDF');
      }
      const [min, max] = check.pages;
      if (pages > 0 && (pages < min || pages > max)) {
        problems.push(`expected ${min === max ? min : `${min}–${max}`} pages`);
      }
      const text = pages > 0 ? pdfText(pdf) : null;
      if (text !== null) {
        const flat = text.replace(/\s+/g, ' ');
        for (const wanted of check.contains) {
          if (!flat.includes(wanted)) problems.push(`missing "${wanted}"`);
        }
        for (const unwanted of check.lacks ?? []) {
          if (flat.includes(unwanted)) problems.push(`unexpected "${unwanted}"`);
        }
      }
      failed ||= problems.length > 0;
      console.log(
        [
          check.file.padEnd(24),
          `${String(pages).padStart(3)} pages`,
          `docx ${kilobytes(docx).padStart(8)}`,
          `pdf ${(pages > 0 ? kilobytes(pdf) : '–').padStart(8)}`,
          problems.length === 0 ? 'ok' : `FAILED: ${problems.join('; ')}`,
        ].join('  '),
      );
    }
    if (!textChecked) console.log('(pdftotext not found: texts not checked)');
  } finally {
    if (keep || failed) console.log(`files kept in ${directory}`);
    else rmSync(directory, { recursive: true, force: true });
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
