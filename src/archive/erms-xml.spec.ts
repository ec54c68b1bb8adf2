import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  ArchiveCase,
  ArchivePackageInfo,
  ArchiveRecord,
  ArchiveRelation,
} from './archive-model.js';
import { validateErmsFile } from './erms-validation.js';
import { escapeXml, writeErmsXml, type ErmsSummary } from './erms-xml.js';

const SCHEMA = 'templates/archive/ERMS_v3.xsd';

const info: ArchivePackageInfo = {
  packageId: 'urn:uuid:6f1c2d0e-4b7a-4c55-9a59-0b7e3c1d2f10',
  producer: 'Kalmar kommun',
  system: { name: 'Remiss', version: '1.4.0' },
  createdAt: new Date('2026-06-01T08:00:00.000Z'),
  selection: 'Ärenden avslutade 2026-05-01–2026-05-31 i serien KS & MBN',
};

const registrar = { name: 'Rita Registrator', organisation: 'Kommunledningskontoret' };

function record(
  documentNumber: string,
  runningNumber: number,
  direction: ArchiveRecord['direction'],
  title: string,
  extra: Partial<ArchiveRecord> = {},
): ArchiveRecord {
  return {
    documentNumber,
    runningNumber,
    direction,
    title,
    counterpart: null,
    date: '2026-03-02',
    registeredAt: new Date('2026-03-02T09:15:00.000Z'),
    registeredBy: registrar,
    confidentiality: null,
    file: {
      path: `representations/rep1/data/${documentNumber.replace(/[ /]/g, '_')}.pdf`,
      originalName: `${title}.pdf`,
      mimeType: 'application/pdf',
      size: 1000 + runningNumber,
      sha256: runningNumber.toString(16).padStart(64, 'a'),
    },
    relations: [],
    ...extra,
  };
}

function relation(
  type: ArchiveRelation['type'],
  documentNumber: string,
  caseNumber: string,
): ArchiveRelation {
  return { type, documentNumber, caseNumber, inPackage: true };
}

const senderCase: ArchiveCase = {
  caseNumber: 'KS 2026/0012',
  seriesCode: 'KS',
  title: 'Översiktsplan för Åby & Östra hamnen <samråd>',
  description: 'Remiss av förslag till översiktsplan.',
  classification: '2.1.3',
  status: 'closed',
  openedAt: new Date('2026-02-20T10:00:00.000Z'),
  closedAt: new Date('2026-05-20T14:30:00.000Z'),
  closedReason: 'Beslut fattat',
  decisionDate: '2026-05-04',
  organisation: 'Kommunstyrelsen',
  officer: { name: 'Åsa Öberg', organisation: 'Samhällsbyggnadskontoret' },
  confidential: false,
  secrecyReferences: [],
  records: [
    record('KS 2026/0012-1', 1, 'internal', 'Förslag till översiktsplan'),
    record('KS 2026/0012-2', 2, 'outgoing', 'Remissmissiv', {
      counterpart: 'Remissinstanserna',
      date: '2026-03-03',
    }),
    record('KS 2026/0012-3', 3, 'incoming', 'Remissvar från Miljö- och byggnämnden', {
      counterpart: 'Miljö- och byggnämnden',
      date: '2026-04-10',
      relations: [relation('referenced_by', 'MBN 2026/0007-2', 'MBN 2026/0007')],
    }),
    record('KS 2026/0012-4', 4, 'incoming', 'Remissvar från Kalmarhem AB', {
      counterpart: 'Kalmarhem AB',
      date: '2026-04-20',
    }),
    record('KS 2026/0012-5', 5, 'internal', 'Protokollsutdrag KSAU 2026-05-04 § 19', {
      date: '2026-05-06',
    }),
  ],
  rounds: [
    {
      title: 'Remiss: översiktsplan 2026',
      status: 'closed',
      sentAt: new Date('2026-03-03T07:00:00.000Z'),
      deadline: '2026-04-15',
      closedAt: new Date('2026-04-30T12:00:00.000Z'),
      closedReason: 'Alla svar inkomna',
      sentRecords: ['KS 2026/0012-1', 'KS 2026/0012-2'],
      consultees: [
        {
          organisation: 'Miljö- och byggnämnden',
          status: 'answered',
          deadline: '2026-04-15',
          extensions: [],
          answeredAt: new Date('2026-04-10T08:00:00.000Z'),
          late: false,
          position: 'approves',
          answerRecord: 'KS 2026/0012-3',
          ownCaseNumber: 'MBN 2026/0007',
          ownAnswerRecord: 'MBN 2026/0007-2',
        },
        {
          organisation: 'Kalmarhem AB',
          status: 'answered',
          deadline: '2026-04-15',
          extensions: [],
          answeredAt: new Date('2026-04-20T11:00:00.000Z'),
          late: true,
          position: 'approves_with_changes',
          answerRecord: 'KS 2026/0012-4',
          ownCaseNumber: null,
          ownAnswerRecord: null,
        },
        {
          organisation: 'Socialnämnden',
          status: 'declined',
          deadline: '2026-04-29',
          extensions: [
            {
              previousDeadline: '2026-04-15',
              deadline: '2026-04-29',
              reason: 'Nämnden sammanträder först den 28 april',
              grantedAt: new Date('2026-04-08T13:00:00.000Z'),
              grantedBy: { name: 'Åsa Öberg', organisation: 'Samhällsbyggnadskontoret' },
            },
          ],
          answeredAt: null,
          late: false,
          position: null,
          answerRecord: null,
          ownCaseNumber: null,
          ownAnswerRecord: null,
        },
        {
          organisation: 'Kultur- och fritidsnämnden',
          status: 'invited',
          deadline: '2026-04-15',
          extensions: [],
          answeredAt: null,
          late: false,
          position: null,
          answerRecord: null,
          ownCaseNumber: null,
          ownAnswerRecord: null,
        },
      ],
    },
  ],
  answeredRounds: [],
  paragraphs: [
    {
      organ: 'Kommunstyrelsens arbetsutskott',
      meetingDate: '2026-05-04',
      paragraph: 19,
      title: 'Översiktsplan för Åby & Östra hamnen',
      decision: 'Arbetsutskottet föreslår kommunstyrelsen att anta översiktsplanen.',
      adjustedOn: '2026-05-06',
      extractRecord: 'KS 2026/0012-5',
    },
  ],
  history: [
    {
      occurredAt: new Date('2026-02-20T10:00:00.000Z'),
      actor: 'Åsa Öberg <asa.oberg@kalmar.se>',
      action: 'case.created',
      entity: 'case 12',
    },
    {
      occurredAt: new Date('2026-05-20T14:30:00.000Z'),
      actor: 'system',
      action: 'case.closed',
      entity: 'case 12',
    },
  ],
};

const consulteeCase: ArchiveCase = {
  caseNumber: 'MBN 2026/0007',
  seriesCode: 'MBN',
  title: 'Yttrande över översiktsplan – remiss från kommunstyrelsen',
  description: null,
  classification: '1.4.2',
  status: 'closed',
  openedAt: new Date('2026-03-03T07:05:00.000Z'),
  closedAt: new Date('2026-04-10T08:05:00.000Z'),
  closedReason: null,
  decisionDate: null,
  organisation: 'Miljö- och byggnämnden',
  officer: null,
  confidential: false,
  secrecyReferences: [],
  records: [
    record('MBN 2026/0007-1', 1, 'incoming', 'Remiss: översiktsplan 2026', {
      counterpart: 'Kommunstyrelsen',
      date: '2026-03-03',
    }),
    record('MBN 2026/0007-2', 2, 'outgoing', 'Remissvar från Miljö- och byggnämnden', {
      counterpart: 'Kommunstyrelsen',
      date: '2026-04-10',
      registeredBy: null,
      relations: [relation('reference', 'KS 2026/0012-3', 'KS 2026/0012')],
    }),
  ],
  rounds: [],
  answeredRounds: [
    {
      senderCaseNumber: 'KS 2026/0012',
      roundTitle: 'Remiss: översiktsplan 2026',
      deadline: '2026-04-15',
    },
  ],
  paragraphs: [],
  history: [],
};

const confidentialCase: ArchiveCase = {
  caseNumber: 'SN 2026/0003',
  seriesCode: 'SN',
  // A control character from a pasted text must not break the document.
  title: 'Placering av barn\u0007 – yttrande',
  description: null,
  classification: null,
  status: 'closed',
  openedAt: new Date('2026-01-12T08:00:00.000Z'),
  closedAt: new Date('2026-02-01T08:00:00.000Z'),
  closedReason: null,
  decisionDate: null,
  organisation: 'Socialnämnden',
  officer: { name: 'Olle Ärlig', organisation: null },
  confidential: true,
  secrecyReferences: ['OSL 21 kap. 1 §'],
  records: [
    record('SN 2026/0003-1', 1, 'incoming', 'Utredning', {
      counterpart: 'Förvaltningsrätten i Växjö',
      confidentiality: 'OSL 21 kap. 1 §',
    }),
    record('SN 2026/0003-2', 2, 'outgoing', 'Yttrande', {
      counterpart: 'Förvaltningsrätten i Växjö',
    }),
  ],
  rounds: [],
  answeredRounds: [],
  paragraphs: [],
  history: [
    {
      occurredAt: new Date('2026-01-12T08:00:00.000Z'),
      actor: 'Olle Ärlig <olle@kalmar.se>',
      action: 'document.registered',
      entity: 'document 31',
    },
  ],
};

function yieldCases(cases: ArchiveCase[]): AsyncIterable<ArchiveCase> {
  return Readable.from(cases) as AsyncIterable<ArchiveCase>;
}

async function writeFile(path: string, cases: ArchiveCase[]): Promise<ErmsSummary> {
  const out = createWriteStream(path);
  const summary = await writeErmsXml(info, yieldCases(cases), out);
  out.end();
  await finished(out);
  return summary;
}

// XPath through Debian's xmllint; `e:name` stands for an element of the ERMS namespace.
function xpath(file: string, expression: string): string {
  const translated = expression.replace(/e:([A-Za-z]+)/g, "*[local-name()='$1']");
  return execFileSync('xmllint', ['--xpath', translated, file], { encoding: 'utf8' }).replace(
    /\n$/,
    '',
  );
}

const AGGREGATION = '/e:erms/e:aggregations/e:aggregation';

describe('writeErmsXml', () => {
  let dir: string;
  let file: string;
  let summary: ErmsSummary;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'erms-'));
    file = join(dir, 'erms.xml');
    summary = await writeFile(file, [senderCase, consulteeCase, confidentialCase]);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a document valid against the CITS ERMS v3 schema (xmllint-wasm)', async () => {
    await expect(validateErmsFile(file, SCHEMA)).resolves.toEqual({ valid: true, errors: [] });
  });

  it('is valid for Debian xmllint as well', () => {
    const result = spawnSync('xmllint', ['--noout', '--schema', SCHEMA, file], {
      encoding: 'utf8',
    });
    expect(result.stderr.trim()).toBe(`${file} validates`);
    expect(result.status).toBe(0);
  });

  it('counts what it wrote', () => {
    expect(summary).toEqual({
      cases: 3,
      records: 9,
      confidentialCases: 1,
      bytes: readFileSync(file).length,
    });
  });

  it('describes each case as a caseFile aggregation with its number, title and status', () => {
    expect(xpath(file, `count(${AGGREGATION}[@aggregationType='caseFile'])`)).toBe('3');
    expect(xpath(file, `string(${AGGREGATION}[1]/e:objectId)`)).toBe('KS 2026/0012');
    expect(xpath(file, `string(${AGGREGATION}[2]/e:objectId)`)).toBe('MBN 2026/0007');
    expect(xpath(file, `string(${AGGREGATION}[3]/e:objectId)`)).toBe('SN 2026/0003');
    expect(xpath(file, `string(${AGGREGATION}[1]/e:title)`)).toBe(
      'Översiktsplan för Åby & Östra hamnen <samråd>',
    );
    expect(xpath(file, `string(${AGGREGATION}[3]/e:title)`)).toBe('Placering av barn – yttrande');
    expect(xpath(file, `string(${AGGREGATION}[1]/e:status/@value)`)).toBe('closed');
    expect(xpath(file, `string(${AGGREGATION}[1]/e:classification)`)).toBe('2.1.3');
    expect(xpath(file, `string(${AGGREGATION}[1]/@classificationSchemaUsed)`)).toBe(
      'klassificeringsstruktur',
    );
    expect(xpath(file, `count(${AGGREGATION}[3]/e:classification)`)).toBe('0');
    expect(readFileSync(file, 'utf8')).toContain(
      '<title>Översiktsplan för Åby &amp; Östra hamnen &lt;samråd&gt;</title>',
    );
  });

  it('gives the dates and agents of a case', () => {
    const dates = `${AGGREGATION}[1]/e:dates/e:date`;
    expect(xpath(file, `string(${dates}[@dateType='created'])`)).toBe('2026-02-20T10:00:00.000Z');
    expect(xpath(file, `string(${dates}[@dateType='closed'])`)).toBe('2026-05-20T14:30:00.000Z');
    expect(xpath(file, `string(${dates}[@dateType='decision_date'])`)).toBe('2026-05-04T00:00:00');
    expect(
      xpath(file, `string(${AGGREGATION}[1]/e:agents/e:agent[@agentType='creator']/e:name)`),
    ).toBe('Kommunstyrelsen');
    expect(
      xpath(
        file,
        `string(${AGGREGATION}[1]/e:agents/e:agent[@agentType='responsible_person']/e:name)`,
      ),
    ).toBe('Åsa Öberg');
    expect(
      xpath(file, `string(${AGGREGATION}[2]/e:dates/e:date[@dateType='decision_deadline'])`),
    ).toBe('2026-04-15T00:00:00');
  });

  it('writes every document as a record with number, direction, agents, dates and file', () => {
    expect(xpath(file, `count(${AGGREGATION}/e:record)`)).toBe('9');
    expect(xpath(file, `count(${AGGREGATION}[1]/e:record)`)).toBe('5');
    const answer = `${AGGREGATION}[1]/e:record[e:objectId='KS 2026/0012-3']`;
    expect(xpath(file, `string(${answer}/e:runningNumber)`)).toBe('3');
    expect(xpath(file, `string(${answer}/e:direction/@directionDefinition)`)).toBe('incoming');
    expect(xpath(file, `string(${answer}/e:agents/e:agent[@agentType='sender']/e:name)`)).toBe(
      'Miljö- och byggnämnden',
    );
    expect(
      xpath(file, `string(${answer}/e:agents/e:agent[@agentType='administrator']/e:role)`),
    ).toBe('Registrator');
    expect(xpath(file, `string(${answer}/e:dates/e:date[@dateType='received'])`)).toBe(
      '2026-04-10T00:00:00',
    );
    expect(xpath(file, `string(${answer}/e:dates/e:date[@dateType='captured'])`)).toBe(
      '2026-03-02T09:15:00.000Z',
    );
    expect(xpath(file, `string(${answer}/e:additionalInformation/e:appendix/@path)`)).toBe(
      'representations/rep1/data/KS_2026_0012-3.pdf',
    );
    expect(
      xpath(
        file,
        `string(${answer}//e:ownElement[@name='fil']/e:ownElement[@name='kontrollsumma']/e:value)`,
      ),
    ).toBe(`${'a'.repeat(63)}3`);
    const memo = `${AGGREGATION}[1]/e:record[e:objectId='KS 2026/0012-1']`;
    expect(xpath(file, `string(${memo}/e:direction/@directionDefinition)`)).toBe(
      'internal_memo_without_follow-up',
    );
    const sent = `${AGGREGATION}[1]/e:record[e:objectId='KS 2026/0012-2']`;
    expect(xpath(file, `string(${sent}/e:agents/e:agent[@agentType='recipient']/e:name)`)).toBe(
      'Remissinstanserna',
    );
    expect(xpath(file, `string(${sent}/e:dates/e:date[@dateType='dispatch'])`)).toBe(
      '2026-03-03T00:00:00',
    );
  });

  it('links the two copies of an answer with reference / referenced_by', () => {
    const inSender = `${AGGREGATION}[1]/e:record[e:objectId='KS 2026/0012-3']/e:relation`;
    const inConsultee = `${AGGREGATION}[2]/e:record[e:objectId='MBN 2026/0007-2']/e:relation`;
    expect(xpath(file, `string(${inSender}/@relationType)`)).toBe('referenced_by');
    expect(xpath(file, `string(${inSender})`)).toBe('MBN 2026/0007-2');
    expect(xpath(file, `string(${inConsultee}/@relationType)`)).toBe('reference');
    expect(xpath(file, `string(${inConsultee})`)).toBe('KS 2026/0012-3');
    expect(xpath(file, `count(${AGGREGATION}/e:record/e:relation)`)).toBe('2');
  });

  it('marks confidentiality with securityClass and a confidential restriction', () => {
    const secret = `${AGGREGATION}[3]`;
    expect(xpath(file, `string(${secret}/e:securityClass)`)).toBe('Sekretess');
    expect(xpath(file, `string(${secret}/e:restriction/@restrictionType)`)).toBe('confidential');
    expect(xpath(file, `string(${secret}/e:restriction/e:regulation)`)).toBe('OSL 21 kap. 1 §');
    expect(xpath(file, `count(${secret}/e:restriction)`)).toBe('1');
    const record = `${secret}/e:record[e:objectId='SN 2026/0003-1']`;
    expect(xpath(file, `string(${record}/e:restriction/e:regulation)`)).toBe('OSL 21 kap. 1 §');
    expect(
      xpath(file, `count(${secret}/e:record[e:objectId='SN 2026/0003-2']/e:restriction)`),
    ).toBe('0');
    expect(
      xpath(file, `count(${AGGREGATION}[1]/e:securityClass | ${AGGREGATION}[1]/e:restriction)`),
    ).toBe('0');
  });

  it('shows the round, its consultees, the extension and the § 19 decision', () => {
    const actions = `${AGGREGATION}[1]/e:action`;
    expect(xpath(file, `count(${actions})`)).toBe('3');
    expect(xpath(file, `string(${actions}[1]/e:actionType)`)).toBe('Remissutskick');
    expect(xpath(file, `string(${actions}[1]/e:dates/e:actionDate[@dateType='dispatch'])`)).toBe(
      '2026-03-03T07:00:00.000Z',
    );
    expect(xpath(file, `count(${actions}[1]/e:agents/e:agent[@agentType='recipient'])`)).toBe('4');
    expect(xpath(file, `string(${actions}[2]/e:actionType)`)).toBe('Förlängd svarstid');
    expect(xpath(file, `string(${actions}[2]/e:actionText)`)).toBe(
      'Svarstiden för Socialnämnden i remissen ”Remiss: översiktsplan 2026” förlängd från 2026-04-15 till 2026-04-29.',
    );
    expect(xpath(file, `string(${actions}[2]/e:actionMotivation)`)).toBe(
      'Nämnden sammanträder först den 28 april',
    );
    expect(xpath(file, `string(${actions}[3]/e:actionType)`)).toBe('Beslut');
    expect(
      xpath(file, `string(${actions}[3]/e:dates/e:actionDate[@dateType='decision_date'])`),
    ).toBe('2026-05-04T00:00:00');
    expect(
      xpath(file, `string(${actions}[3]/e:dates/e:actionDate[@dateType='other']/@otherDateType)`),
    ).toBe('justerad');

    const own = `${AGGREGATION}[1]/e:additionalInformation/e:ownElement`;
    const late = `${own}/e:ownElement[@name='remissomgång']/e:ownElement[@name='remissinstans'][e:ownElement[@name='organisation']/e:value='Kalmarhem AB']`;
    expect(xpath(file, `string(${late}/e:ownElement[@name='försenad']/e:value)`)).toBe('true');
    const answered = `${own}/e:ownElement[@name='remissomgång']/e:ownElement[@name='remissinstans'][1]`;
    expect(xpath(file, `string(${answered}/e:ownElement[@name='svarshandling']/e:value)`)).toBe(
      'KS 2026/0012-3',
    );
    expect(xpath(file, `string(${answered}/e:ownElement[@name='egetÄrende']/e:value)`)).toBe(
      'MBN 2026/0007',
    );
    const paragraph = `${own}/e:ownElement[@name='protokollsparagraf']`;
    expect(xpath(file, `string(${paragraph}/e:ownElement[@name='paragraf']/e:value)`)).toBe('19');
    expect(xpath(file, `string(${paragraph}/e:ownElement[@name='protokollsutdrag']/e:value)`)).toBe(
      'KS 2026/0012-5',
    );
    const answeredRound = `${AGGREGATION}[2]/e:additionalInformation/e:ownElement/e:ownElement[@name='besvaradRemiss']`;
    expect(
      xpath(file, `string(${answeredRound}/e:ownElement[@name='avsändarärende']/e:value)`),
    ).toBe('KS 2026/0012');
  });

  it('puts the audit trail in the case and the export event in the control section', () => {
    expect(xpath(file, `string(${AGGREGATION}[1]/e:archivalHistory/e:historyLine[1])`)).toBe(
      '2026-02-20T10:00:00.000Z Åsa Öberg <asa.oberg@kalmar.se>: case.created (case 12)',
    );
    expect(xpath(file, `count(${AGGREGATION}[2]/e:archivalHistory)`)).toBe('0');
    const control = '/e:erms/e:control';
    expect(xpath(file, `string(${control}/e:identification)`)).toBe(info.packageId);
    expect(
      xpath(file, `string(${control}/e:maintenanceInformation/e:maintenanceAgency/e:agencyName)`),
    ).toBe('Kalmar kommun');
    const event = `${control}/e:maintenanceInformation/e:maintenanceHistory/e:maintenanceEvent`;
    expect(xpath(file, `string(${event}/e:eventType/@value)`)).toBe('created');
    expect(xpath(file, `string(${event}/e:eventDateTime)`)).toBe('2026-06-01T08:00:00.000Z');
    expect(xpath(file, `string(${control}/e:systemInformation/e:agents/e:agent/e:name)`)).toBe(
      'Remiss 1.4.0',
    );
  });

  it('describes every own element it uses in the control section', () => {
    const described = '/e:erms/e:control/e:systemInformation//e:ownElement[@name]/@name';
    expect(
      xpath(file, `count(${AGGREGATION}//e:ownElement[@name][not(@name = ${described})])`),
    ).toBe('0');
    expect(xpath(file, `count(${AGGREGATION}//e:ownElement[@name])`)).not.toBe('0');
  });

  it('keeps the Schematron co-occurrence rules', () => {
    const broken = [
      "//*[@dateType='other'][not(normalize-space(@otherDateType))]",
      "//*[@agentType='other'][not(normalize-space(@otherAgentType))]",
      "//*[@directionDefinition='other'][not(normalize-space(@otherDirectionDefinition))]",
      "//*[@restrictionType='other_type'][not(normalize-space(@otherRestrictionType))]",
      "//*[@relationType='own_relation_definition'][not(normalize-space(@otherRelationType))]",
      "//*[@aggregationType='own_aggregation_definition'][not(normalize-space(@otherAggregationType))]",
    ];
    expect(xpath(file, `count(${broken.join(' | ')})`)).toBe('0');
    expect(xpath(file, "count(//*[@dateType='other'])")).toBe('1');
  });

  it('gives the same bytes for the same input', async () => {
    const second = join(dir, 'second.xml');
    await writeFile(second, [senderCase, consulteeCase, confidentialCase]);
    expect(readFileSync(second).equals(readFileSync(file))).toBe(true);
  });

  it('refuses an empty selection before writing anything', async () => {
    const chunks: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString());
        callback();
      },
    });
    await expect(writeErmsXml(info, yieldCases([]), out)).rejects.toThrow(
      'An ERMS document needs at least one case (aggregation)',
    );
    expect(chunks).toEqual([]);
  });

  it('fails validation with xmllint’s message for a value outside the schema', async () => {
    const invalid = join(dir, 'invalid.xml');
    await writeFile(invalid, [{ ...senderCase, status: 'archived' as ArchiveCase['status'] }]);
    const result = await validateErmsFile(invalid, SCHEMA);
    expect(result.valid).toBe(false);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(
      /^invalid\.xml:\d+: Schemas validity error : Element '\{https:\/\/DILCIS\.eu\/XML\/ERMS\}status', attribute 'value': \[facet 'enumeration'\] The value 'archived' is not an element of the set \{/,
    );
    const cli = spawnSync('xmllint', ['--noout', '--schema', SCHEMA, invalid], {
      encoding: 'utf8',
    });
    expect(cli.status).toBe(3);
  });

  it('fails validation for a document that is not well-formed', async () => {
    const truncated = join(dir, 'truncated.xml');
    writeFileSync(truncated, readFileSync(file, 'utf8').slice(0, 2000));
    const result = await validateErmsFile(truncated, SCHEMA);
    expect(result.valid).toBe(false);
    expect(result.errors[0]).toMatch(/^truncated\.xml:\d+: parser error : /);
  });

  it('waits for drain on a slow stream while writing 2,000 cases', async () => {
    const highWaterMark = 1024;
    let bytes = 0;
    let maxBuffered = 0;
    let refused = 0;
    let drains = 0;
    let largestChunk = 0;
    const out = new Writable({
      highWaterMark,
      decodeStrings: false,
      write(chunk: string, _encoding, callback) {
        bytes += Buffer.byteLength(chunk);
        setImmediate(callback);
      },
    });
    const write = out.write.bind(out) as (chunk: string) => boolean;
    out.write = ((chunk: string) => {
      largestChunk = Math.max(largestChunk, chunk.length);
      const accepted = write(chunk);
      maxBuffered = Math.max(maxBuffered, out.writableLength);
      if (!accepted) refused += 1;
      return accepted;
    }) as typeof out.write;
    out.on('drain', () => (drains += 1));

    // Made lazily, one case at a time, as the export reads the database.
    function* generated(): Iterable<ArchiveCase> {
      for (let n = 1; n <= 2000; n += 1) {
        const caseNumber = `KS 2026/${String(n).padStart(4, '0')}`;
        yield {
          ...senderCase,
          caseNumber,
          records: senderCase.records.map((r) => ({
            ...r,
            documentNumber: `${caseNumber}-${r.runningNumber}`,
          })),
        };
      }
    }

    const result = await writeErmsXml(
      info,
      Readable.from(generated()) as AsyncIterable<ArchiveCase>,
      out,
    );
    out.end();
    await finished(out);
    expect(result.cases).toBe(2000);
    expect(result.records).toBe(10000);
    expect(bytes).toBe(result.bytes);
    expect(refused).toBeGreaterThan(1000);
    expect(drains).toBe(refused);
    // Never more than one case beyond the stream's buffer: the writer waited for drain.
    expect(maxBuffered).toBeLessThanOrEqual(highWaterMark + largestChunk);
  }, 120000);
});

describe('escapeXml', () => {
  it('escapes markup characters and drops characters XML 1.0 forbids', () => {
    expect(escapeXml(`Å & <ö> "ä" 'x'\u0000\u0008\u000b\u001f\ud800\ufffe\tok\n`)).toBe(
      'Å &amp; &lt;ö&gt; &quot;ä&quot; &apos;x&apos;\tok\n',
    );
  });
});
