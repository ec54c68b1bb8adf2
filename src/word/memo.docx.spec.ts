import { readFileSync } from 'node:fs';
import { docxText, readPart } from '../../test/helpers/docx-text.js';
import { solidPng } from '../../test/fixtures/paragraph-19.js';
import { TEXT_WIDTH } from './docx-kit.js';
import { buildMemo, type MemoData, type MemoWording } from './memo.docx.js';

const wording = JSON.parse(readFileSync('templates/word/memo.json', 'utf8')) as MemoWording;

// Servicenämnden's tjänsteskrivelse of the real case (reference 003): the statement is the
// memo's Yttrande without the passage on punkt 4.3 a, which is the section comment.
const BACKGROUND = [
  'Kommunledningskontoret har tagit fram ett förslag till strategi för etnisk och kulturell inkludering.',
  "I juni 2016 antogs Vision 2025 där kommunens övergripande visioner formuleras. 'Ett Kalmar för alla' är en vision som tydligt signalerar att Kalmar kommun ska vara en öppen välkomnande kommun där kulturell och mänsklig mångfald bidrar till attraktivitet liksom jämlikhet och jämställdhet. En framgångsrik inkludering för utrikesfödda är bidragande till Kalmar kommunkoncerns framtida tillväxt och välfärd samt utveckling av demokrati.",
  'Att arbeta med etnisk mångfald och inkluderingsfrågor handlar om hur vi tillsammans skapar ett attraktivt, normkritiskt och inkluderande samhälle. Att verka för inkludering innebär även att verksamheten kvalitetssäkras för att garantera att den svarar mot alla kommuninvånarens behov och villkor. Syftet med strategin är att skapa långsiktighet i målarbetet, underlätta samverkan samt ge en helhetsbild över prioriterade områden under den närmaste fyraårsperioden.',
];
const STATEMENT = [
  'Förvaltningen är positiv till att det skapas en tydlighet kring arbetet med etnisk och kulturell inkludering inom Kalmar kommun.',
  'Strategin kräver verksamhetsutvecklare eller särskilt utsedd kontaktperson från förvaltningen. Denna resurs finns inte idag utan omprioriteringar i verksamheten krävs för uppdraget.',
  'Stöd från strategisk nivå bedöms som avgörande för att kunna lyckas i detta arbete.',
  'Strategin som helhet framgår av bilaga 1.',
];
const COMMENT =
  'Serviceförvaltningen beslutar inte kring etablering av mötesplatser i bostadsområden och kan således inte vara huvudansvariga för denna punkt. Dock så kan förvaltningen bidra till att uppföra och underhålla beslutade mötesplatser.';

const data: MemoData = {
  municipalityName: 'Kalmar kommun',
  officer: 'Martina Adiels Balk',
  officerPhone: '450574',
  date: '2021-09-08',
  caseNumber: 'SFN 2021/0130',
  committee: 'Servicenämnden',
  roundTitle: 'Förslag till strategi för etnisk och kulturell inkludering',
  sender: 'Kommunstyrelsen',
  senderCaseNumber: 'KS 2021/0486',
  deadline: '2021-09-10',
  receivedOn: '2021-06-24',
  originalDeadline: null,
  proposal: null,
  background: BACKGROUND.join('\r\n\r\n'),
  statement: STATEMENT.join('\n\n'),
  comments: [{ sectionRef: '4.3 a', sectionTitle: 'Attraktiva mötesplatser', text: COMMENT }],
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

async function lines(memo: MemoData, logo: Buffer | null = null): Promise<string[]> {
  return (await docxText(await buildMemo(memo, wording, logo))).split('\n').filter(Boolean);
}

describe('buildMemo', () => {
  it('reads like Servicenämnden’s tjänsteskrivelse, in order', async () => {
    expect(await lines(data)).toEqual([
      'Handläggare',
      'Martina Adiels Balk',
      '450574',
      'TJÄNSTESKRIVELSE',
      'Datum',
      '2021-09-08',
      'Ärendebeteckning',
      'SFN 2021/0130',
      'Servicenämnden',
      'Remissvar gällande förslag till strategi för etnisk och kulturell inkludering',
      'Förslag till beslut',
      'Servicenämnden beslutar att anta förvaltningens yttrande som sitt eget och överlämnar det till kommunstyrelsen för vidare handläggning.',
      'Bakgrund',
      ...BACKGROUND,
      'Yttrande',
      ...STATEMENT,
      `Punkt 4.3 a, Attraktiva mötesplatser: ${COMMENT}`,
      'Peter Arnesson',
      'Förvaltningschef',
      'Martina Adiels Balk',
      'Stabschef',
      'Bilagor',
      'Bilaga 1, Strategi för etnisk och kulturell inkludering.',
      'Bilaga 2, Utdrag från kommunstyrelsens arbetsutskott, § 19.',
    ]);
  });

  it('fills in the defaults and leaves out what is not given', async () => {
    const text = await lines({
      ...data,
      officerPhone: null,
      proposal: null,
      background: null,
      statement: null,
      comments: [{ sectionRef: '5.1', sectionTitle: null, text: 'Inga synpunkter.' }],
      signatures: [],
      attachments: [],
    });
    expect(text).toEqual([
      'Handläggare',
      'Martina Adiels Balk',
      'TJÄNSTESKRIVELSE',
      'Datum',
      '2021-09-08',
      'Ärendebeteckning',
      'SFN 2021/0130',
      'Servicenämnden',
      'Remissvar gällande förslag till strategi för etnisk och kulturell inkludering',
      'Förslag till beslut',
      'Servicenämnden beslutar att anta förvaltningens yttrande som sitt eget och överlämnar det till kommunstyrelsen för vidare handläggning.',
      'Bakgrund',
      'Kommunstyrelsen har skickat förslag till strategi för etnisk och kulturell inkludering på remiss till Servicenämnden (dnr KS 2021/0486). Remissen kom in 2021-06-24 och är registrerad i ärende SFN 2021/0130. Svaret ska lämnas till kommunstyrelsen senast 2021-09-10.',
      'Yttrande',
      '[Skriv förvaltningens yttrande här.]',
      'Punkt 5.1: Inga synpunkter.',
      'Förvaltningschef',
    ]);
  });

  it('says in Bakgrund that the committee was granted more time, and leaves a blank Handläggare blank', async () => {
    const text = await lines({
      ...data,
      officer: '',
      officerPhone: null,
      background: null,
      originalDeadline: '2021-08-20',
    });
    expect(text.slice(0, 2)).toEqual(['Handläggare', 'TJÄNSTESKRIVELSE']);
    expect(text).toContain(
      'Kommunstyrelsen har skickat förslag till strategi för etnisk och kulturell inkludering på remiss till Servicenämnden (dnr KS 2021/0486). Remissen kom in 2021-06-24 och är registrerad i ärende SFN 2021/0130. Svaret ska lämnas till kommunstyrelsen senast 2021-09-10. Servicenämnden har fått anstånd; den ursprungliga svarstiden gick ut 2021-08-20.',
    );
  });

  it('uses a given proposal as it is and keeps an acronym’s capital', async () => {
    const text = await lines({
      ...data,
      roundTitle: 'EU-strategi för Östersjöregionen',
      proposal: 'Servicenämnden avstår från att yttra sig.',
    });
    expect(text).toContain('Remissvar gällande EU-strategi för Östersjöregionen');
    expect(text).toContain('Servicenämnden avstår från att yttra sig.');
    expect(text).not.toContain(
      'Servicenämnden beslutar att anta förvaltningens yttrande som sitt eget och överlämnar det till kommunstyrelsen för vidare handläggning.',
    );
  });

  it('marks a draft UTKAST', async () => {
    const text = await lines({ ...data, draft: true });
    expect(text.slice(3, 5)).toEqual(['TJÄNSTESKRIVELSE', 'UTKAST']);
    expect(text[9]).toBe(
      'UTKAST – tjänsteskrivelsen är inte färdig och nämnden har inte beslutat i ärendet.',
    );
    expect(await lines(data)).not.toContain('UTKAST');
  });

  it('puts the municipality and the logo in the page header and numbers the pages', async () => {
    const bytes = await buildMemo(data, wording, solidPng(300, 120));
    const header = await readPart(bytes, 'word/header1.xml');
    expect(header.replace(/<[^>]+>/g, '')).toBe('Kalmar kommun');
    expect(header).toContain('<w:drawing>');
    expect(header).toContain('descr="Kalmar kommun"');
    const footer = await readPart(bytes, 'word/footer1.xml');
    expect(footer).toMatch(/Sida .*PAGE.* \(.*NUMPAGES.*\)/s);
  });

  it('carries the secrecy marking in the header of every page of a confidential remiss', async () => {
    const marked = await buildMemo(
      { ...data, confidentiality: { marking: 'OSL 26 kap. 1 §' } },
      wording,
      null,
    );
    const header = await readPart(marked, 'word/header1.xml');
    expect(header.replace(/<[^>]+>/g, '')).toBe('Kalmar kommunSEKRETESS OSL 26 kap. 1 §');
    const general = await buildMemo({ ...data, confidentiality: { marking: null } }, wording, null);
    expect((await readPart(general, 'word/header1.xml')).replace(/<[^>]+>/g, '')).toBe(
      'Kalmar kommunSEKRETESS enligt offentlighets- och sekretesslagen (2009:400)',
    );
  });

  it('gives the top block explicit widths over the whole text width', async () => {
    const xml = await readPart(await buildMemo(data, wording, null), 'word/document.xml');
    const grid = /<w:tblGrid>(.*?)<\/w:tblGrid>/.exec(xml)![1];
    const widths = [...grid.matchAll(/w:w="(\d+)"/g)].map((match) => Number(match[1]));
    expect(widths).toHaveLength(2);
    expect(widths.reduce((total, width) => total + width, 0)).toBe(TEXT_WIDTH);
    expect(xml).toContain('<w:tblLayout w:type="fixed"/>');
  });
});
