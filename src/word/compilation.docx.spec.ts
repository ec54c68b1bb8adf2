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
      answer: {
        position: 'approve_with_comments',
        answeredOn: '2021-09-08',
        late: true,
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
      '4 remissinstanser: 2 har svarat, 1 avstår och 1 har inte svarat.',
    ]);
    // The table: a header row, then one row per answer (cells are paragraphs of their own).
    expect(words).toContain(
      'Servicenämnden\nTillstyrker med synpunkter\n2021-09-08\nJa\nServicenämnden 2021-09-08 § 87, dnr SFN 2021/0130\n',
    );
    expect(words).toContain('Kalmarhem AB\nAvstår från att svara\n2021-08-19\nNej\n');
    expect(words).toContain(
      '4.3 a Attraktiva mötesplatser\nServicenämnden\n”Förvaltningen kan inte vara huvudansvarig.”\n5.1 a Sociala nätverk\nInga synpunkter.\n',
    );
    expect(words).toContain(
      'Servicenämnden – Tillstyrker med synpunkter\nNämnden har synpunkter på punkt 4.3 a.',
    );
    expect(words).toContain('Har inte svarat\nOmsorgsnämnden (svar senast 2021-08-20)\n');
    expect(words).toContain('Avstår från att svara\nKalmarhem AB\n');
  });

  it('gives every table column an explicit width and a fixed layout', async () => {
    const xml = await readPart(await buildCompilation(data, wording), 'word/document.xml');
    expect(xml).toContain('<w:tblLayout w:type="fixed"/>');
    const grid = /<w:tblGrid>(.*?)<\/w:tblGrid>/.exec(xml)![1];
    const widths = [...grid.matchAll(/w:w="(\d+)"/g)].map((match) => Number(match[1]));
    expect(widths).toHaveLength(5);
    expect(widths.reduce((total, width) => total + width, 0)).toBeGreaterThan(9_000);
  });
});
