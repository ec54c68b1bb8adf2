import { readFileSync } from 'node:fs';
import { docxText, readPart } from '../../test/helpers/docx-text.js';
import {
  buildCompilation,
  type CompilationData,
  type CompilationWording,
} from './compilation.docx.js';

const wording = JSON.parse(
  readFileSync('templates/word/compilation.json', 'utf8'),
) as CompilationWording;

const data: CompilationData = {
  municipalityName: 'Kalmar kommun',
  caseNumber: 'KS 2021/0486',
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
    {
      organisation: 'Kalmarhem AB',
      deadline: '2021-08-20',
      answer: {
        position: 'declined',
        answeredOn: '2021-08-19',
        late: false,
        decision: null,
        summary: null,
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
    {
      organisation: 'Socialnämnden',
      deadline: '2021-08-31',
      extended: true,
      answer: {
        position: 'reject',
        answeredOn: '2021-09-02',
        late: true,
        decision: null,
        summary: 'Nämnden avstyrker.',
      },
    },
    { organisation: 'Tekniska nämnden', deadline: '2021-09-30', extended: true, answer: null },
  ],
  sections: [
    {
      ref: '4.3 a',
      title: 'Attraktiva mötesplatser',
      comments: [
        { organisation: 'Servicenämnden', text: 'Förvaltningen kan inte vara huvudansvarig.' },
      ],
    },
    { ref: '5.1 a', title: 'Sociala nätverk', comments: [] },
  ],
};

describe('buildCompilation', () => {
  it('lists positions, comments per section, summaries, and who did not answer or declined', async () => {
    const words = await docxText(await buildCompilation(data, wording));
    const lines = words.split('\n').filter(Boolean);
    expect(lines.slice(0, 6)).toEqual([
      'Remissammanställning',
      'Strategi för etnisk och kulturell inkludering',
      'Ärende: KS 2021/0486',
      'Sista dag för svar: 2021-08-20',
      'Sammanställd: 2021-09-15',
      '6 remissinstanser: 3 har svarat, 1 avstår och 2 har inte svarat.',
    ]);
    // The table: a header row, then one row per answer (cells are paragraphs of their own).
    expect(words).toContain(
      'Servicenämnden\nTillstyrker med synpunkter\n2021-09-08\nNej, anstånd till 2021-09-10\nServicenämnden 2021-09-08 § 87, dnr SFN 2021/0130\n',
    );
    expect(words).toContain(
      'Socialnämnden\nAvstyrker\n2021-09-02\nJa, anstånd till 2021-08-31\n\n',
    );
    expect(words).toContain('Kalmarhem AB\nAvstår från att svara\n2021-08-19\nNej\n');
    expect(words).toContain(
      '4.3 a Attraktiva mötesplatser\nServicenämnden\n”Förvaltningen kan inte vara huvudansvarig.”\n5.1 a Sociala nätverk\nInga synpunkter.\n',
    );
    expect(words).toContain(
      'Servicenämnden – Tillstyrker med synpunkter\nNämnden har synpunkter på punkt 4.3 a.',
    );
    expect(words).toContain(
      'Har inte svarat\nOmsorgsnämnden (svar senast 2021-08-20)\nTekniska nämnden (svar senast 2021-09-30 efter anstånd)\n',
    );
    expect(words).toContain('Avstår från att svara\nKalmarhem AB\n');
  });

  it('gives every column of the answer table room for its longest word, in a fixed layout', async () => {
    const xml = await readPart(await buildCompilation(data, wording), 'word/document.xml');
    expect(xml).toContain('<w:tblLayout w:type="fixed"/>');
    const grid = /<w:tblGrid>(.*?)<\/w:tblGrid>/.exec(xml)![1];
    const widths = [...grid.matchAll(/w:w="(\d+)"/g)].map((match) => Number(match[1]));
    expect(widths).toEqual([2100, 1950, 1250, 1550, 2222]);
    // The table's text is 10 pt (20 half-points), header and cells alike.
    const tableXml = /<w:tbl>.*<\/w:tbl>/s.exec(xml)![0];
    const runSizes = [...tableXml.matchAll(/<w:sz w:val="(\d+)"\/>/g)].map((match) => match[1]);
    expect(new Set(runSizes)).toEqual(new Set(['20']));
    // Room inside each cell (80 twips of margin each side) against the Arial advance widths of
    // the words that broke before: "Ställningstagande" in bold, a date, a long committee name.
    const room = (column: number) => widths[column] - 2 * 80;
    expect(room(1)).toBeGreaterThanOrEqual(twipsAt10pt('Ställningstagande', ARIAL_BOLD));
    expect(room(2)).toBeGreaterThanOrEqual(twipsAt10pt('2026-11-12', ARIAL));
    expect(room(3)).toBeGreaterThanOrEqual(twipsAt10pt('2026-11-12', ARIAL));
    expect(room(0)).toBeGreaterThanOrEqual(twipsAt10pt('Kommunfullmäktige', ARIAL));
  });
});

// Arial (and the metric-compatible Liberation Sans) advance widths in 1/1000 em.
const ARIAL: Record<string, number> = {
  ...Object.fromEntries([...'0123456789'].map((digit) => [digit, 556])),
  '-': 333,
  K: 667,
  o: 556,
  m: 833,
  u: 556,
  n: 556,
  f: 278,
  l: 222,
  ä: 556,
  k: 500,
  t: 278,
  i: 222,
  g: 556,
  e: 556,
};
const ARIAL_BOLD: Record<string, number> = {
  S: 667,
  t: 333,
  ä: 556,
  l: 278,
  n: 611,
  i: 278,
  g: 611,
  s: 556,
  a: 556,
  d: 611,
  e: 556,
};
function twipsAt10pt(word: string, widths: Record<string, number>): number {
  const em = [...word].reduce((sum, character) => sum + widths[character], 0);
  return Math.ceil((em / 1000) * 10 * 20);
}
