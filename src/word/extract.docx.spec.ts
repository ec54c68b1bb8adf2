import { readFileSync } from 'node:fs';
import yauzl from 'yauzl';
import { ITEM_19, MEETING_19, protocolItems, solidPng } from '../../test/fixtures/paragraph-19.js';
import { readPart } from '../../test/helpers/docx-text.js';
import { TEXT_WIDTH } from './docx-kit.js';
import {
  buildExtract,
  buildProtocol,
  type ItemData,
  type MeetingData,
  type WordWording,
} from './extract.docx.js';

const wording = JSON.parse(readFileSync('templates/word/extract.json', 'utf8')) as WordWording;
const ORGAN = 'Kommunstyrelsens utskott för integration och arbetsmarknad';
const TITLE = 'Strategi för etnisk och kulturell inkludering – beslut om remiss';
const DECISION =
  'Kommunstyrelsens utskott för integration och arbetsmarknad godkänner att strategin skickas på remissrunda till samtliga nämnder och bolag inom kommunkoncernen. Datum för remissvar är senast 2021-08-20.';

/** The names of the parts in a zip package. */
function partNames(bytes: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('not a zip'));
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.readEntry();
    });
  });
}

/** The non-empty lines of a part: one per paragraph, and one per line break within one. */
async function lines(bytes: Buffer, part: string): Promise<string[]> {
  const xml = await readPart(bytes, part);
  return xml
    .replace(/<w:br\/>/g, '\n')
    .replace(/<\/w:p>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

async function onlyPart(bytes: Buffer, pattern: RegExp): Promise<string> {
  const names = (await partNames(bytes)).filter((name) => pattern.test(name));
  expect(names).toHaveLength(1);
  return names[0];
}

const headerLines = async (bytes: Buffer) =>
  lines(bytes, await onlyPart(bytes, /^word\/header\d+\.xml$/));
const footerXml = async (bytes: Buffer) =>
  readPart(bytes, await onlyPart(bytes, /^word\/footer\d+\.xml$/));

const SIGNATURE_BLOCK = [
  'Sekreterare',
  'Oliver Wykman',
  'Justeras',
  'Dzenita Abaza',
  'ordförande',
  'Lars Nilsson',
  'justerare',
  'Utdragsbestyrkande',
];

describe('buildExtract', () => {
  it('reproduces the § 19 extract: frame, paragraph, sections in order, send-to list and signatures', async () => {
    const bytes = await buildExtract(MEETING_19, ITEM_19, wording, null);

    expect(await headerLines(bytes)).toEqual([
      'Kalmar kommun',
      ORGAN,
      'UTDRAG',
      'Sammanträdesdatum',
      '2021-05-21',
    ]);
    expect(await lines(bytes, 'word/document.xml')).toEqual([
      '§ 19',
      TITLE,
      'Dnr KS 2021/0486',
      'Handlingar',
      'Kommunledningskontorets skrivelse från den 12 maj 2021.',
      'Förslag till strategi för etnisk och kulturell inkludering 2022–2025.',
      'Åtgärdsplan, bilaga 2 till strategin.',
      'Bakgrund',
      ...ITEM_19.background!.split('\n\n'),
      'Yrkanden',
      'Ordföranden yrkar bifall till kommunledningskontorets förslag.',
      'Beslutsgång',
      'Ordföranden ställer proposition på kommunledningskontorets förslag och finner att utskottet bifaller det.',
      'Överläggning',
      'Under överläggningen redovisar Carolina Andersson, kommunledningskontoret, förslag om ny strategi för etnisk och kulturell inkludering.',
      'Beslut',
      DECISION,
      'Expedieras till',
      'Samtliga nämnder',
      'Samtliga bolag inom kommunkoncernen',
      'Servicenämnden',
      'Kommunledningskontoret',
      ...SIGNATURE_BLOCK,
      'Utdraget överensstämmer med protokollet, justerat 2021-05-26.',
      'Oliver Wykman',
      'sekreterare',
    ]);
  });

  it('leaves out empty sections, the Dnr line and the send-to list, and keeps numbered and separated decision text', async () => {
    const item: ItemData = {
      ...ITEM_19,
      caseNumber: null,
      documents: '  \n',
      background: null,
      proposals: null,
      decisionProcess: '',
      deliberation: null,
      decision:
        '1. Utskottet godkänner remissen.\n2. Svar senast 2021-08-20.\n\nBeslutet gäller omedelbart.',
      reservations: 'Anna Bergström (M) reserverar sig mot beslutet.',
      sendTo: [],
    };
    const body = await lines(
      await buildExtract(MEETING_19, item, wording, null),
      'word/document.xml',
    );

    expect(body).toEqual([
      '§ 19',
      TITLE,
      'Beslut',
      '1. Utskottet godkänner remissen.',
      '2. Svar senast 2021-08-20.',
      'Beslutet gäller omedelbart.',
      'Reservationer',
      'Anna Bergström (M) reserverar sig mot beslutet.',
      ...SIGNATURE_BLOCK,
      'Utdraget överensstämmer med protokollet, justerat 2021-05-26.',
      'Oliver Wykman',
      'sekreterare',
    ]);
    for (const absent of ['Dnr', 'Handlingar', 'Bakgrund', 'Yrkanden', 'Beslutsgång']) {
      expect(body.some((text) => text.startsWith(absent))).toBe(false);
    }
    expect(body).not.toContain('Överläggning');
    expect(body).not.toContain('Expedieras till');
  });

  it('marks a paragraph that is not adjusted UTKAST throughout and does not certify it', async () => {
    const bytes = await buildExtract(MEETING_19, { ...ITEM_19, adjustedOn: null }, wording, null);
    const header = await headerLines(bytes);
    const body = await lines(bytes, 'word/document.xml');

    expect(header).toEqual(['Kalmar kommun', ORGAN, 'UTKAST', 'Sammanträdesdatum', '2021-05-21']);
    expect(body[0]).toBe('UTKAST – paragrafen är inte justerad. Utkastet får inte expedieras.');
    expect(body.slice(1, 3)).toEqual(['§ 19', TITLE]);
    expect(body.slice(-SIGNATURE_BLOCK.length - 1)).toEqual([
      ...SIGNATURE_BLOCK,
      'Utdraget bestyrks när paragrafen är justerad.',
    ]);
    expect([...header, ...body].join('\n')).not.toMatch(/UTDRAG/);
    expect(body.join('\n')).not.toContain('överensstämmer');
  });

  it('puts the page numbers in the footer as PAGE and NUMPAGES fields', async () => {
    const xml = await footerXml(await buildExtract(MEETING_19, ITEM_19, wording, null));
    expect(xml).toMatch(/<w:instrText[^>]*>PAGE<\/w:instrText>/);
    expect(xml).toMatch(/<w:instrText[^>]*>NUMPAGES<\/w:instrText>/);
    expect(xml.replace(/<[^>]+>/g, '')).toBe('Sida PAGE (NUMPAGES)');
  });

  it('embeds a logo in the header, 3.5 cm wide in its own proportions, only when one is given', async () => {
    const withLogo = await buildExtract(MEETING_19, ITEM_19, wording, solidPng(350, 100));
    const media = (await partNames(withLogo)).filter((name) => name.startsWith('word/media/'));
    expect(media).toHaveLength(1);
    expect(media[0]).toMatch(/\.png$/);
    const header = await readPart(withLogo, await onlyPart(withLogo, /^word\/header\d+\.xml$/));
    // 132 × 38 px at 9,525 EMU a pixel.
    expect(header).toContain('<wp:extent cx="1257300" cy="361950"/>');
    expect(header).toContain('descr="Kalmar kommun"');

    const withoutLogo = await buildExtract(MEETING_19, ITEM_19, wording, null);
    expect((await partNames(withoutLogo)).some((name) => name.startsWith('word/media/'))).toBe(
      false,
    );
    await expect(buildExtract(MEETING_19, ITEM_19, wording, Buffer.from('GIF89a'))).rejects.toThrow(
      'The logo must be a PNG image',
    );
  });

  it('gives every table explicit widths that fill the text width, and a fixed layout', async () => {
    const bytes = await buildExtract(MEETING_19, ITEM_19, wording, null);
    for (const part of ['word/document.xml', await onlyPart(bytes, /^word\/header\d+\.xml$/)]) {
      const xml = await readPart(bytes, part);
      const grids = [...xml.matchAll(/<w:tblGrid>(.*?)<\/w:tblGrid>/g)].map((match) =>
        [...match[1].matchAll(/w:w="(\d+)"/g)].reduce((sum, width) => sum + Number(width[1]), 0),
      );
      expect(grids.length).toBeGreaterThan(0);
      expect(grids).toEqual(grids.map(() => TEXT_WIDTH));
      expect(xml.match(/<w:tblLayout w:type="fixed"\/>/g)).toHaveLength(grids.length);
    }
  });
});

describe('buildProtocol', () => {
  const FRONT_SIGNATURES = [
    'Underskrifter',
    'Sekreterare',
    'Oliver Wykman',
    'Ordförande',
    'Dzenita Abaza',
    'Justerande',
    'Lars Nilsson',
  ];

  it('has a front page with the meeting, the signatures and the ANSLAG/BEVIS box, then every paragraph in order', async () => {
    const items = protocolItems(3);
    const bytes = await buildProtocol(MEETING_19, items, wording, solidPng(350, 100));
    const body = await lines(bytes, 'word/document.xml');

    expect(body.slice(0, body.indexOf('§ 19'))).toEqual([
      'SAMMANTRÄDESPROTOKOLL',
      ORGAN,
      'Plats och tid',
      'Stadshuset, sal A, 2021-05-21 kl. 08:30',
      'Beslutande',
      'Dzenita Abaza, ordförande',
      'Lars Nilsson',
      'Anna Bergström',
      'Mikael Johansson',
      'Sara Lind',
      'Sekreterare',
      'Oliver Wykman',
      'Utses att justera',
      'Lars Nilsson',
      'Justeringens datum',
      '2021-05-26',
      'Paragrafer',
      '§§ 19–21',
      ...FRONT_SIGNATURES,
      'ANSLAG/BEVIS',
      'Protokollet är justerat. Justeringen har tillkännagivits genom anslag.',
      'Organ',
      ORGAN,
      'Sammanträdesdatum',
      '2021-05-21',
      'Datum då anslaget sätts upp',
      '2021-05-27',
      'Datum då anslaget tas ned',
      '2021-06-18',
      'Sista dag för överklagande',
      '2021-06-17',
      'Förvaringsplats för protokollet',
      'Kommunledningskontoret, Stadshuset, Kalmar',
      'Underskrift',
    ]);

    // Each paragraph: heading, title, Dnr, in meeting order; § 19 complete up to its send-to list.
    const starts = items.map((item) => body.indexOf(`§ ${item.paragraph}`));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    items.forEach((item, index) => {
      expect(body.slice(starts[index], starts[index] + 3)).toEqual([
        `§ ${item.paragraph}`,
        item.title,
        `Dnr ${item.caseNumber}`,
      ]);
    });
    expect(body.slice(starts[1] - 5, starts[1])).toEqual([
      'Expedieras till',
      'Samtliga nämnder',
      'Samtliga bolag inom kommunkoncernen',
      'Servicenämnden',
      'Kommunledningskontoret',
    ]);
    expect(body.slice(starts[2])).toEqual([
      '§ 21',
      'Information från kommunledningskontoret',
      'Dnr KS 2021/0421',
      'Beslut',
      '1. Utskottet godkänner redovisningen.',
      '2. Utskottet uppdrar åt kommunledningskontoret att återrapportera i ärendet senast den 1 december 2021.',
    ]);
    // The paragraphs start on a new page; after that they flow.
    const xml = await readPart(bytes, 'word/document.xml');
    expect(xml.match(/<w:pageBreakBefore\/>/g)).toHaveLength(1);
    expect(xml.indexOf('<w:pageBreakBefore/>')).toBeLessThan(xml.indexOf('>§ 19<'));
  });

  it('frames every page with the meeting, initial boxes and page numbers', async () => {
    const bytes = await buildProtocol(MEETING_19, protocolItems(2), wording, solidPng(350, 100));
    expect(await headerLines(bytes)).toEqual([
      'Kalmar kommun',
      ORGAN,
      'SAMMANTRÄDESPROTOKOLL',
      'Sammanträdesdatum',
      '2021-05-21',
    ]);
    const footer = await footerXml(bytes);
    expect(
      footer
        .replace(/<\/w:p>/g, '\n')
        .replace(/<[^>]+>/g, '')
        .split('\n')
        .filter(Boolean),
    ).toEqual(['Justerandes signatur', 'Utdragsbestyrkande', 'Sida PAGE (NUMPAGES)']);
    expect(footer).toMatch(/<w:instrText[^>]*>NUMPAGES<\/w:instrText>/);
    expect((await partNames(bytes)).filter((name) => name.startsWith('word/media/'))).toHaveLength(
      1,
    );
  });

  it('marks a protocol that is not adjusted UTKAST and shows unknown dates as a dash', async () => {
    const meeting: MeetingData = {
      ...MEETING_19,
      startsAt: null,
      present: [],
      adjustedOn: null,
      noticePostedOn: null,
      noticeRemovedOn: null,
      lastAppealDay: null,
    };
    const items = [{ ...ITEM_19, adjustedOn: null }];
    const bytes = await buildProtocol(meeting, items, wording, null);
    const body = await lines(bytes, 'word/document.xml');

    expect(await headerLines(bytes)).toEqual([
      'Kalmar kommun',
      ORGAN,
      'SAMMANTRÄDESPROTOKOLL',
      'UTKAST',
      'Sammanträdesdatum',
      '2021-05-21',
    ]);
    // '§ 19' is both the front page's range and the paragraph's heading.
    expect(body.slice(0, body.lastIndexOf('§ 19'))).toEqual([
      'UTKAST – protokollet är inte justerat.',
      'SAMMANTRÄDESPROTOKOLL',
      ORGAN,
      'Plats och tid',
      'Stadshuset, sal A, 2021-05-21',
      'Beslutande',
      'Dzenita Abaza, ordförande',
      'Lars Nilsson',
      'Sekreterare',
      'Oliver Wykman',
      'Utses att justera',
      'Lars Nilsson',
      'Justeringens datum',
      '–',
      'Paragrafer',
      '§ 19',
      ...FRONT_SIGNATURES,
      'ANSLAG/BEVIS',
      'Protokollet är inte justerat och har inte anslagits.',
      'Organ',
      ORGAN,
      'Sammanträdesdatum',
      '2021-05-21',
      'Datum då anslaget sätts upp',
      '–',
      'Datum då anslaget tas ned',
      '–',
      'Sista dag för överklagande',
      '–',
      'Förvaringsplats för protokollet',
      'Kommunledningskontoret, Stadshuset, Kalmar',
      'Underskrift',
    ]);
    expect(body.join('\n')).not.toContain('Protokollet är justerat.');
  });

  it('notes a paragraph that is not adjusted in an adjusted protocol', async () => {
    const items = protocolItems(2);
    items[1] = { ...items[1], adjustedOn: null };
    const body = await lines(
      await buildProtocol(MEETING_19, items, wording, null),
      'word/document.xml',
    );
    const start = body.indexOf('§ 20');
    expect(body.slice(start, start + 4)).toEqual([
      '§ 20',
      'Fastställande av föredragningslista',
      'Dnr KS 2021/0420',
      'Paragrafen är inte justerad.',
    ]);
    expect(body.filter((text) => text === 'Paragrafen är inte justerad.')).toHaveLength(1);
  });
});
