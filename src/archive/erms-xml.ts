import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type {
  ArchiveAgent,
  ArchiveCase,
  ArchiveConsultee,
  ArchiveExtension,
  ArchivePackageInfo,
  ArchiveParagraph,
  ArchiveRecord,
  ArchiveRound,
} from './archive-model.js';

/**
 * Writes `metadata/descriptive/erms.xml` of an archive export in CITS ERMS v3.0.2
 * (`templates/archive/ERMS_v3.xsd`).
 *
 * Streaming: the document is written case by case, one `aggregation` per chunk, waiting for
 * `drain` whenever the stream asks to, so only one case is ever held as text. The `control`
 * section comes first in the schema, so it holds only package-level facts known before the
 * first case: the package id, the classification schema, the export's own creation event
 * (`maintenanceHistory`, which describes the XML document itself), the system, and the
 * descriptions of the own elements used. Everything about a case goes inside its aggregation:
 * its audit trail is the aggregation's `archivalHistory` (one `historyLine` per event, in the
 * order given), the only per-aggregation history the schema offers.
 *
 * Instants are ISO 8601 UTC with milliseconds. A calendar day in an `xs:dateTime` slot is its
 * midnight without a time zone (`2026-03-15T00:00:00`): a day, not an instant. The schema's
 * Schematron co-occurrence rules (e.g. `dateType="other"` needs `otherDateType`) are enforced
 * here, since xmllint checks only the XSD.
 */

export const ERMS_NAMESPACE = 'https://DILCIS.eu/XML/ERMS';

/** What the caller can tell about the written document (e.g. in the package README). */
export interface ErmsSummary {
  cases: number;
  records: number;
  /** Cases marked confidential, or holding a confidential record. */
  confidentialCases: number;
  /** UTF-8 bytes written. */
  bytes: number;
}

export async function writeErmsXml(
  info: ArchivePackageInfo,
  cases: AsyncIterable<ArchiveCase>,
  out: NodeJS.WritableStream | Writable,
): Promise<ErmsSummary> {
  const summary: ErmsSummary = { cases: 0, records: 0, confidentialCases: 0, bytes: 0 };
  const write = async (chunk: string): Promise<void> => {
    summary.bytes += Buffer.byteLength(chunk, 'utf8');
    if (!out.write(chunk)) await once(out, 'drain');
  };
  for await (const archiveCase of cases) {
    // The header waits for the first case: an empty selection writes nothing.
    if (summary.cases === 0) await write(documentStart(info));
    await write(aggregation(archiveCase));
    summary.cases += 1;
    summary.records += archiveCase.records.length;
    if (caseRegulations(archiveCase)) summary.confidentialCases += 1;
  }
  if (summary.cases === 0) {
    throw new Error('An ERMS document needs at least one case (aggregation)');
  }
  await write('  </aggregations>\n</erms>\n');
  return summary;
}

// --- XML text -------------------------------------------------------------------------------

// Characters XML 1.0 forbids: control characters other than tab, LF and CR, lone surrogates,
// U+FFFE and U+FFFF.
const FORBIDDEN_XML_CHARACTERS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** Escapes text for element content, dropping characters XML 1.0 cannot hold. */
export function escapeXml(value: string): string {
  return value.replace(FORBIDDEN_XML_CHARACTERS, '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

// Attribute values also keep their tabs and line breaks, which a parser would otherwise
// normalise to spaces.
export function escapeAttribute(value: string): string {
  return value.replace(FORBIDDEN_XML_CHARACTERS, '').replace(/[&<>"'\t\n\r]/g, (c) => ENTITIES[c]);
}

type Attributes = Record<string, string | undefined>;

/** Indented lines of one part of the document. */
class XmlLines {
  private readonly lines: string[] = [];

  constructor(private depth: number) {}

  open(name: string, attributes: Attributes = {}): void {
    this.push(`<${name}${attributeText(attributes)}>`);
    this.depth += 1;
  }

  close(name: string): void {
    this.depth -= 1;
    this.push(`</${name}>`);
  }

  leaf(name: string, text: string | number, attributes: Attributes = {}): void {
    this.push(`<${name}${attributeText(attributes)}>${escapeXml(String(text))}</${name}>`);
  }

  empty(name: string, attributes: Attributes): void {
    this.push(`<${name}${attributeText(attributes)}/>`);
  }

  toString(): string {
    return this.lines.map((line) => `${line}\n`).join('');
  }

  private push(line: string): void {
    this.lines.push(`${'  '.repeat(this.depth)}${line}`);
  }
}

function attributeText(attributes: Attributes): string {
  return Object.entries(attributes)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
    .join('');
}

// --- Values and co-occurrence rules ---------------------------------------------------------

const CALENDAR_DAY = /^\d{4}-\d{2}-\d{2}$/;

function instant(value: Date): string {
  return value.toISOString();
}

function day(value: string): string {
  if (!CALENDAR_DAY.test(value)) throw new Error(`Not a calendar day (YYYY-MM-DD): ${value}`);
  return value;
}

function dayAsDateTime(value: string): string {
  return `${day(value)}T00:00:00`;
}

type DateType =
  | 'captured'
  | 'closed'
  | 'created'
  | 'decision'
  | 'decision_date'
  | 'decision_deadline'
  | 'dispatch'
  | 'received'
  | 'other';

function dateAttributes(dateType: DateType, otherDateType?: string): Attributes {
  if (dateType === 'other' && !otherDateType?.trim()) {
    throw new Error('dateType "other" needs otherDateType');
  }
  return { dateType, otherDateType: dateType === 'other' ? otherDateType : undefined };
}

type AgentType =
  | 'administrator'
  | 'authorising_person'
  | 'creator'
  | 'counterpart'
  | 'recipient'
  | 'responsible_person'
  | 'sender'
  | 'other';

interface AgentFacts {
  name: string;
  organisation?: string | null;
  role?: string;
  otherAgentType?: string;
}

function agent(x: XmlLines, agentType: AgentType, facts: AgentFacts): void {
  if (agentType === 'other' && !facts.otherAgentType?.trim()) {
    throw new Error('agentType "other" needs otherAgentType');
  }
  x.open('agent', {
    agentType,
    otherAgentType: agentType === 'other' ? facts.otherAgentType : undefined,
  });
  x.leaf('name', facts.name);
  if (facts.organisation) x.leaf('organisation', facts.organisation);
  if (facts.role) x.leaf('role', facts.role);
  x.close('agent');
}

function person(value: ArchiveAgent, role: string): AgentFacts {
  return { name: value.name, organisation: value.organisation, role };
}

// --- Own elements -----------------------------------------------------------------------------

interface OwnDefinition {
  /** The key of the enclosing own element, absent for a top-level one. */
  parent?: string;
  name: string;
  dataType: 'complex' | 'string' | 'date' | 'dateTime' | 'boolean' | 'integer';
  format?: string;
  /** What the element means, for people (Swedish). */
  description: string;
}

/**
 * Every own element the document can use, described once in the control section. Only facts
 * that no schema element holds are written as own elements.
 */
const OWN_ELEMENTS = {
  selection: {
    name: 'urval',
    dataType: 'string',
    description: 'Vilka avslutade ärenden leveransen omfattar.',
  },
  round: {
    name: 'remissomgång',
    dataType: 'complex',
    description:
      'En remissomgång som skickats ut från ärendet. Utskick, svarsfrist, avslut och mottagare ' +
      'finns i ärendets action med actionType "Remissutskick", förlängda svarstider i action ' +
      'med actionType "Förlängd svarstid".',
  },
  roundTitle: {
    parent: 'round',
    name: 'rubrik',
    dataType: 'string',
    description: 'Remissens rubrik.',
  },
  roundStatus: {
    parent: 'round',
    name: 'status',
    dataType: 'string',
    description: 'Omgångens status i systemet när ärendet avslutades.',
  },
  roundClosedReason: {
    parent: 'round',
    name: 'avslutsorsak',
    dataType: 'string',
    description: 'Varför omgången avslutades.',
  },
  roundSentRecord: {
    parent: 'round',
    name: 'remitteradHandling',
    dataType: 'string',
    description: 'Handlingsnummer (objectId) för en handling som skickades på remiss.',
  },
  consultee: {
    parent: 'round',
    name: 'remissinstans',
    dataType: 'complex',
    description: 'En mottagare av remissen och vad som blev av den.',
  },
  consulteeOrganisation: {
    parent: 'consultee',
    name: 'organisation',
    dataType: 'string',
    description: 'Remissinstansens namn.',
  },
  consulteeStatus: {
    parent: 'consultee',
    name: 'status',
    dataType: 'string',
    description: 'Remissinstansens status: invited, opened, answered, declined eller failed.',
  },
  consulteeDeadline: {
    parent: 'consultee',
    name: 'svarsfrist',
    dataType: 'date',
    format: 'YYYY-MM-DD',
    description: 'Den svarsfrist som gäller för remissinstansen, efter eventuell förlängning.',
  },
  consulteeAnsweredAt: {
    parent: 'consultee',
    name: 'besvarad',
    dataType: 'dateTime',
    format: 'ISO 8601 UTC',
    description: 'När svaret kom in.',
  },
  consulteeLate: {
    parent: 'consultee',
    name: 'försenad',
    dataType: 'boolean',
    description: 'true om svaret kom in efter svarsfristen.',
  },
  consulteePosition: {
    parent: 'consultee',
    name: 'ställningstagande',
    dataType: 'string',
    description: 'Remissinstansens ställningstagande i svaret.',
  },
  consulteeAnswerRecord: {
    parent: 'consultee',
    name: 'svarshandling',
    dataType: 'string',
    description: 'Handlingsnummer (objectId) för svaret i detta ärende.',
  },
  consulteeOwnCase: {
    parent: 'consultee',
    name: 'egetÄrende',
    dataType: 'string',
    description: 'Diarienummer för remissinstansens eget ärende om remissen.',
  },
  consulteeOwnAnswerRecord: {
    parent: 'consultee',
    name: 'svarshandlingIEgetÄrende',
    dataType: 'string',
    description: 'Handlingsnummer för samma svar i remissinstansens eget ärende.',
  },
  answeredRound: {
    name: 'besvaradRemiss',
    dataType: 'complex',
    description:
      'En remiss från ett annat ärende som detta ärende besvarar. Svarsfristen finns även som ' +
      'ärendets datum med dateType "decision_deadline".',
  },
  answeredRoundSenderCase: {
    parent: 'answeredRound',
    name: 'avsändarärende',
    dataType: 'string',
    description: 'Diarienummer för det ärende som skickade remissen.',
  },
  answeredRoundTitle: {
    parent: 'answeredRound',
    name: 'omgångsrubrik',
    dataType: 'string',
    description: 'Remissomgångens rubrik.',
  },
  answeredRoundDeadline: {
    parent: 'answeredRound',
    name: 'svarsfrist',
    dataType: 'date',
    format: 'YYYY-MM-DD',
    description: 'Remissomgångens svarsfrist.',
  },
  paragraph: {
    name: 'protokollsparagraf',
    dataType: 'complex',
    description:
      'En paragraf i ett protokoll om ärendet. Beslutet, sammanträdesdagen, justeringen och ' +
      'det beslutande organet finns i ärendets action med actionType "Beslut", i samma ordning.',
  },
  paragraphOrgan: {
    parent: 'paragraph',
    name: 'organ',
    dataType: 'string',
    description: 'Det beslutande organet.',
  },
  paragraphMeetingDate: {
    parent: 'paragraph',
    name: 'sammanträdesdag',
    dataType: 'date',
    format: 'YYYY-MM-DD',
    description: 'Sammanträdets dag.',
  },
  paragraphNumber: {
    parent: 'paragraph',
    name: 'paragraf',
    dataType: 'integer',
    description: 'Paragrafens nummer (§) i protokollet.',
  },
  paragraphTitle: {
    parent: 'paragraph',
    name: 'rubrik',
    dataType: 'string',
    description: 'Paragrafens rubrik.',
  },
  paragraphAdjustedOn: {
    parent: 'paragraph',
    name: 'justerad',
    dataType: 'date',
    format: 'YYYY-MM-DD',
    description: 'Dagen då protokollet justerades.',
  },
  paragraphExtractRecord: {
    parent: 'paragraph',
    name: 'protokollsutdrag',
    dataType: 'string',
    description: 'Handlingsnummer (objectId) för protokollsutdraget i detta ärende.',
  },
  file: {
    name: 'fil',
    dataType: 'complex',
    description: 'Kontrolluppgifter för handlingens fil (appendix) i paketet.',
  },
  fileChecksum: {
    parent: 'file',
    name: 'kontrollsumma',
    dataType: 'string',
    format: 'SHA-256',
    description: 'Filens SHA-256-kontrollsumma, hexadecimal med gemener.',
  },
  fileSize: {
    parent: 'file',
    name: 'storlek',
    dataType: 'integer',
    format: 'byte',
    description: 'Filens storlek i byte.',
  },
} satisfies Record<string, OwnDefinition>;

type OwnKey = keyof typeof OWN_ELEMENTS;

function ownAttributes(key: OwnKey): Attributes {
  const definition: OwnDefinition = OWN_ELEMENTS[key];
  return { name: definition.name, dataType: definition.dataType, format: definition.format };
}

function ownOpen(x: XmlLines, key: OwnKey): void {
  x.open('ownElement', ownAttributes(key));
}

function ownValue(x: XmlLines, key: OwnKey, value: string | number | boolean | null): void {
  if (value === null) return;
  x.open('ownElement', ownAttributes(key));
  x.leaf('value', String(value));
  x.close('ownElement');
}

function ownCatalogue(x: XmlLines, parent: string | undefined): void {
  for (const [key, definition] of Object.entries(OWN_ELEMENTS) as [OwnKey, OwnDefinition][]) {
    if (definition.parent !== parent) continue;
    x.open('ownElement', ownAttributes(key));
    x.leaf('value', definition.description);
    ownCatalogue(x, key);
    x.close('ownElement');
  }
}

// --- Control --------------------------------------------------------------------------------

const CLASSIFICATION_SCHEMA_ID = 'klassificeringsstruktur';
const SECURITY_CLASS = 'Sekretess';
const GENERAL_SECRECY_REGULATION = 'Offentlighets- och sekretesslagen (2009:400)';

function documentStart(info: ArchivePackageInfo): string {
  const x = new XmlLines(0);
  const system = `${info.system.name} ${info.system.version}`;
  const systemAgent: AgentFacts = {
    name: system,
    organisation: info.producer,
    role: 'Ärendehanteringssystem',
    otherAgentType: 'system',
  };
  x.open('erms', { xmlns: ERMS_NAMESPACE });
  x.open('control');
  x.leaf('identification', info.packageId, { identificationType: 'paketidentitet' });
  x.open('classificationSchema', {
    classificationSchemaId: CLASSIFICATION_SCHEMA_ID,
    classificationSchemaStatus: 'current',
  });
  x.open('textualDescriptionOfClassificationSchema');
  x.leaf(
    'p',
    `Ärendena är klassificerade enligt ${info.producer}s klassificeringsstruktur. ` +
      'Varje ärendes klass anges i dess element classification; ett ärende utan klass saknar elementet.',
  );
  x.close('textualDescriptionOfClassificationSchema');
  x.close('classificationSchema');
  x.open('dates');
  x.leaf('date', instant(info.createdAt), dateAttributes('created'));
  x.close('dates');
  x.open('maintenanceInformation');
  x.empty('maintenanceStatus', { value: 'new' });
  x.open('maintenanceAgency');
  x.leaf('agencyName', info.producer);
  x.close('maintenanceAgency');
  x.open('maintenanceHistory');
  x.open('maintenanceEvent');
  x.empty('eventType', { value: 'created' });
  x.leaf('eventDateTime', instant(info.createdAt));
  agent(x, 'other', systemAgent);
  x.close('maintenanceEvent');
  x.close('maintenanceHistory');
  x.close('maintenanceInformation');
  x.open('systemInformation');
  x.open('extraMetadataInformation');
  x.open('ownElement');
  x.leaf(
    'ownElementDescription',
    'Egna element (ownElement) i denna leverans. Varje element anges med namn, datatyp och ' +
      'format; value beskriver vad det betyder och underordnade element beskrivs inuti det.',
  );
  ownCatalogue(x, undefined);
  x.close('ownElement');
  x.open('ownElement');
  ownValue(x, 'selection', info.selection);
  x.close('ownElement');
  x.close('extraMetadataInformation');
  x.open('agents');
  agent(x, 'other', systemAgent);
  x.close('agents');
  x.close('systemInformation');
  x.close('control');
  x.open('aggregations');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${x.toString()}`;
}

// --- Aggregation (ärende) -------------------------------------------------------------------

/** The OSL references of a confidential case, or null when nothing in it is confidential. */
function caseRegulations(archiveCase: ArchiveCase): string[] | null {
  const recordReferences = archiveCase.records
    .map((record) => record.confidentiality)
    .filter((reference): reference is string => !!reference);
  if (!archiveCase.confidential && recordReferences.length === 0) return null;
  const references = [...new Set([...archiveCase.secrecyReferences, ...recordReferences])];
  return references.length > 0 ? references : [GENERAL_SECRECY_REGULATION];
}

function aggregation(archiveCase: ArchiveCase): string {
  const x = new XmlLines(2);
  const regulations = caseRegulations(archiveCase);
  x.open('aggregation', {
    systemIdentifier: archiveCase.caseNumber,
    aggregationType: 'caseFile',
    classificationSchemaUsed: archiveCase.classification ? CLASSIFICATION_SCHEMA_ID : undefined,
  });
  x.leaf('objectId', archiveCase.caseNumber);
  x.leaf('extraId', archiveCase.seriesCode, { extraIdType: 'diarieserie' });
  if (regulations) x.leaf('securityClass', SECURITY_CLASS);
  if (archiveCase.classification) {
    x.leaf('classification', archiveCase.classification, {
      classificationCode: archiveCase.classification,
    });
  }
  x.leaf('title', archiveCase.title);
  x.empty('status', { value: archiveCase.status });
  caseOwnElements(x, archiveCase);
  for (const regulation of regulations ?? []) {
    restriction(x, 'Ärendet innehåller uppgifter som omfattas av sekretess.', regulation);
  }
  x.open('agents');
  agent(x, 'creator', { name: archiveCase.organisation, role: 'Ägande organisation' });
  if (archiveCase.officer)
    agent(x, 'responsible_person', person(archiveCase.officer, 'Handläggare'));
  x.close('agents');
  if (archiveCase.description) x.leaf('description', archiveCase.description);
  caseDates(x, archiveCase);
  for (const round of archiveCase.rounds) roundActions(x, round);
  for (const paragraph of archiveCase.paragraphs) paragraphAction(x, paragraph);
  if (archiveCase.history.length > 0) {
    x.open('archivalHistory');
    for (const event of archiveCase.history) {
      x.leaf(
        'historyLine',
        `${instant(event.occurredAt)} ${event.actor}: ${event.action} (${event.entity})`,
      );
    }
    x.close('archivalHistory');
  }
  if (archiveCase.closedReason) {
    x.open('notes');
    x.leaf('note', archiveCase.closedReason, { noteType: 'avslutsorsak' });
    x.close('notes');
  }
  for (const record of archiveCase.records) recordElement(x, record);
  x.close('aggregation');
  return x.toString();
}

function restriction(x: XmlLines, explanatoryText: string, regulation: string): void {
  x.open('restriction', { restrictionType: 'confidential' });
  x.leaf('explanatoryText', explanatoryText);
  x.leaf('regulation', regulation);
  x.close('restriction');
}

function caseDates(x: XmlLines, archiveCase: ArchiveCase): void {
  x.open('dates');
  x.leaf('date', instant(archiveCase.openedAt), dateAttributes('created'));
  if (archiveCase.closedAt) x.leaf('date', instant(archiveCase.closedAt), dateAttributes('closed'));
  if (archiveCase.decisionDate) {
    x.leaf('date', dayAsDateTime(archiveCase.decisionDate), dateAttributes('decision_date'));
  }
  for (const answered of archiveCase.answeredRounds) {
    x.leaf('date', dayAsDateTime(answered.deadline), dateAttributes('decision_deadline'));
  }
  x.close('dates');
}

function caseOwnElements(x: XmlLines, archiveCase: ArchiveCase): void {
  const { rounds, answeredRounds, paragraphs } = archiveCase;
  if (rounds.length + answeredRounds.length + paragraphs.length === 0) return;
  x.open('additionalInformation');
  x.open('ownElement');
  for (const round of rounds) {
    ownOpen(x, 'round');
    ownValue(x, 'roundTitle', round.title);
    ownValue(x, 'roundStatus', round.status);
    ownValue(x, 'roundClosedReason', round.closedReason);
    for (const sent of round.sentRecords) ownValue(x, 'roundSentRecord', sent);
    for (const consultee of round.consultees) consulteeElement(x, consultee);
    x.close('ownElement');
  }
  for (const answered of answeredRounds) {
    ownOpen(x, 'answeredRound');
    ownValue(x, 'answeredRoundSenderCase', answered.senderCaseNumber);
    ownValue(x, 'answeredRoundTitle', answered.roundTitle);
    ownValue(x, 'answeredRoundDeadline', day(answered.deadline));
    x.close('ownElement');
  }
  for (const paragraph of paragraphs) {
    ownOpen(x, 'paragraph');
    ownValue(x, 'paragraphOrgan', paragraph.organ);
    ownValue(x, 'paragraphMeetingDate', day(paragraph.meetingDate));
    ownValue(x, 'paragraphNumber', paragraph.paragraph);
    ownValue(x, 'paragraphTitle', paragraph.title);
    ownValue(x, 'paragraphAdjustedOn', paragraph.adjustedOn && day(paragraph.adjustedOn));
    ownValue(x, 'paragraphExtractRecord', paragraph.extractRecord);
    x.close('ownElement');
  }
  x.close('ownElement');
  x.close('additionalInformation');
}

function consulteeElement(x: XmlLines, consultee: ArchiveConsultee): void {
  ownOpen(x, 'consultee');
  ownValue(x, 'consulteeOrganisation', consultee.organisation);
  ownValue(x, 'consulteeStatus', consultee.status);
  ownValue(x, 'consulteeDeadline', day(consultee.deadline));
  ownValue(x, 'consulteeAnsweredAt', consultee.answeredAt && instant(consultee.answeredAt));
  ownValue(x, 'consulteeLate', consultee.late);
  ownValue(x, 'consulteePosition', consultee.position);
  ownValue(x, 'consulteeAnswerRecord', consultee.answerRecord);
  ownValue(x, 'consulteeOwnCase', consultee.ownCaseNumber);
  ownValue(x, 'consulteeOwnAnswerRecord', consultee.ownAnswerRecord);
  x.close('ownElement');
}

// --- Actions (åtgärder) ---------------------------------------------------------------------

function roundActions(x: XmlLines, round: ArchiveRound): void {
  x.open('action');
  x.leaf('actionText', round.title);
  x.leaf('actionType', 'Remissutskick');
  x.open('dates');
  if (round.sentAt) x.leaf('actionDate', instant(round.sentAt), dateAttributes('dispatch'));
  x.leaf('actionDate', dayAsDateTime(round.deadline), dateAttributes('decision_deadline'));
  if (round.closedAt) x.leaf('actionDate', instant(round.closedAt), dateAttributes('closed'));
  x.close('dates');
  if (round.consultees.length > 0) {
    x.open('agents');
    for (const consultee of round.consultees) {
      agent(x, 'recipient', { name: consultee.organisation, role: 'Remissinstans' });
    }
    x.close('agents');
  }
  x.close('action');
  for (const consultee of round.consultees) {
    for (const extension of consultee.extensions) {
      extensionAction(x, round, consultee, extension);
    }
  }
}

function extensionAction(
  x: XmlLines,
  round: ArchiveRound,
  consultee: ArchiveConsultee,
  extension: ArchiveExtension,
): void {
  x.open('action');
  x.leaf(
    'actionText',
    `Svarstiden för ${consultee.organisation} i remissen ”${round.title}” förlängd från ` +
      `${day(extension.previousDeadline)} till ${day(extension.deadline)}.`,
  );
  x.leaf('actionMotivation', extension.reason);
  x.leaf('actionType', 'Förlängd svarstid');
  x.open('dates');
  x.leaf('actionDate', instant(extension.grantedAt), dateAttributes('decision'));
  x.leaf('actionDate', dayAsDateTime(extension.deadline), dateAttributes('decision_deadline'));
  x.close('dates');
  x.open('agents');
  agent(x, 'recipient', { name: consultee.organisation, role: 'Remissinstans' });
  if (extension.grantedBy) {
    agent(x, 'authorising_person', person(extension.grantedBy, 'Beviljade förlängningen'));
  }
  x.close('agents');
  x.close('action');
}

function paragraphAction(x: XmlLines, paragraph: ArchiveParagraph): void {
  x.open('action');
  x.leaf('actionText', paragraph.decision);
  x.leaf('actionType', 'Beslut');
  x.open('dates');
  x.leaf('actionDate', dayAsDateTime(paragraph.meetingDate), dateAttributes('decision_date'));
  if (paragraph.adjustedOn) {
    x.leaf('actionDate', dayAsDateTime(paragraph.adjustedOn), dateAttributes('other', 'justerad'));
  }
  x.close('dates');
  x.open('agents');
  agent(x, 'other', { name: paragraph.organ, otherAgentType: 'beslutande organ' });
  x.close('agents');
  x.close('action');
}

// --- Record (handling) ----------------------------------------------------------------------

const DIRECTIONS = {
  incoming: { definition: 'incoming', counterpart: 'sender', date: 'received' },
  outgoing: { definition: 'outgoing', counterpart: 'recipient', date: 'dispatch' },
  internal: {
    definition: 'internal_memo_without_follow-up',
    counterpart: 'counterpart',
    date: 'created',
  },
} as const satisfies Record<
  ArchiveRecord['direction'],
  { definition: string; counterpart: AgentType; date: DateType }
>;

function recordElement(x: XmlLines, record: ArchiveRecord): void {
  const direction = DIRECTIONS[record.direction];
  if (!direction) throw new Error(`Unknown direction: ${String(record.direction)}`);
  x.open('record', { systemIdentifier: record.documentNumber, recordPhysicalOrDigital: 'digital' });
  x.leaf('objectId', record.documentNumber);
  if (record.confidentiality) x.leaf('securityClass', SECURITY_CLASS);
  x.leaf('title', record.title);
  x.leaf('runningNumber', record.runningNumber);
  for (const relation of record.relations) {
    x.leaf('relation', relation.documentNumber, { relationType: relation.type });
  }
  if (record.confidentiality) {
    restriction(x, 'Handlingen omfattas av sekretess.', record.confidentiality);
  }
  x.empty('direction', { directionDefinition: direction.definition });
  if (record.counterpart || record.registeredBy) {
    x.open('agents');
    if (record.counterpart) agent(x, direction.counterpart, { name: record.counterpart });
    if (record.registeredBy) agent(x, 'administrator', person(record.registeredBy, 'Registrator'));
    x.close('agents');
  }
  x.open('dates');
  x.leaf('date', dayAsDateTime(record.date), dateAttributes(direction.date));
  x.leaf('date', instant(record.registeredAt), dateAttributes('captured'));
  x.close('dates');
  x.open('additionalInformation');
  x.empty('appendix', {
    name: record.file.originalName,
    path: record.file.path,
    fileFormat: record.file.mimeType,
  });
  x.open('ownElement');
  ownOpen(x, 'file');
  ownValue(x, 'fileChecksum', record.file.sha256);
  ownValue(x, 'fileSize', record.file.size);
  x.close('ownElement');
  x.close('ownElement');
  x.close('additionalInformation');
  x.close('record');
}
