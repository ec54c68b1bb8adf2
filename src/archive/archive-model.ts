/**
 * What an archive export says about each case, read from the database once and handed to the
 * writers of erms.xml and METS.xml. Plain data: no entities, no database access.
 */

export type ArchiveDirection = 'incoming' | 'outgoing' | 'internal';

/** A person or organisation acting on a case or document. */
export interface ArchiveAgent {
  /** The person's or organisation's name, as registered. */
  name: string;
  /** The organisation the person acts for, when the agent is a person. */
  organisation?: string | null;
}

/** A document's file as it lies in the package. */
export interface ArchiveFile {
  /** Path inside the package, from the package root: `representations/rep1/data/<name>`. */
  path: string;
  /** The file's name when it was registered. */
  originalName: string;
  mimeType: string;
  size: number;
  /** Lower-case hex SHA-256 of the file's bytes, as registered. */
  sha256: string;
}

/** One registered document (handling) of a case. */
export interface ArchiveRecord {
  /** The document number, e.g. `KS 2026/0001-3`: the record's identifier. */
  documentNumber: string;
  /** The running number within the case (3 in `KS 2026/0001-3`). */
  runningNumber: number;
  direction: ArchiveDirection;
  title: string;
  /** The sender (incoming) or recipient (outgoing), when registered. */
  counterpart: string | null;
  /** The document's own date: received for incoming, sent for outgoing, drawn up for internal. */
  date: string;
  /** When it was registered, and by whom. */
  registeredAt: Date;
  registeredBy: ArchiveAgent | null;
  /** The OSL reference that marks the document itself as confidential, or null. */
  confidentiality: string | null;
  file: ArchiveFile;
  /**
   * The same document registered in another case: an answer is registered in the sender's case
   * and in the consultee's own case. `reference` from the consultee's copy to the sender's,
   * `referenced_by` back.
   */
  relations: ArchiveRelation[];
}

export interface ArchiveRelation {
  type: 'reference' | 'referenced_by';
  /** The related record's document number (its identifier in the export or elsewhere). */
  documentNumber: string;
  /** The case the related record belongs to. */
  caseNumber: string;
  /** Whether the related record is in this same package. */
  inPackage: boolean;
}

/** A deadline extension granted to one consultee. */
export interface ArchiveExtension {
  previousDeadline: string;
  deadline: string;
  reason: string;
  grantedAt: Date;
  grantedBy: ArchiveAgent | null;
}

/** One consultee of a round and what became of it. */
export interface ArchiveConsultee {
  organisation: string;
  /** invited, opened, answered, declined, failed … as the round shows it. */
  status: string;
  /** The deadline that applies to this consultee (the round's, or its extension). */
  deadline: string;
  extensions: ArchiveExtension[];
  answeredAt: Date | null;
  late: boolean;
  /** The position taken (e.g. `approves`, `declines`), when answered. */
  position: string | null;
  /** The document number of the answer in this case, when answered. */
  answerRecord: string | null;
  /** The consultee's own case for the round, and the answer's number there. */
  ownCaseNumber: string | null;
  ownAnswerRecord: string | null;
}

/** A referral round (remissomgång) run from this case. */
export interface ArchiveRound {
  title: string;
  status: string;
  sentAt: Date | null;
  deadline: string;
  closedAt: Date | null;
  closedReason: string | null;
  /** The document numbers of the documents sent on remiss. */
  sentRecords: string[];
  consultees: ArchiveConsultee[];
}

/** A round of another case that this case answers (the consultee's own case). */
export interface ArchiveAnsweredRound {
  /** The sender's case number and round title. */
  senderCaseNumber: string;
  roundTitle: string;
  deadline: string;
}

/** A minutes paragraph (§) about the case. */
export interface ArchiveParagraph {
  /** The deciding body (organ), e.g. `Kommunstyrelsens arbetsutskott`. */
  organ: string;
  meetingDate: string;
  paragraph: number;
  title: string;
  decision: string;
  /** Adjusted (justerad) on, when adjusted. */
  adjustedOn: string | null;
  /** The document number of the paragraph's extract in this case, when registered. */
  extractRecord: string | null;
}

/** One audit event on the case or one of its parts. */
export interface ArchiveHistoryEvent {
  occurredAt: Date;
  /** The actor's label: a user's name and e-mail, or `system`. */
  actor: string;
  /** The audit action, e.g. `case.created`, `document.registered`. */
  action: string;
  /** What the action was about, as the register names it, e.g. `handling KS 2026/0001-3`. */
  entity: string;
}

export interface ArchiveCase {
  caseNumber: string;
  seriesCode: string;
  title: string;
  description: string | null;
  /** The classification (e.g. a Klassa code), or null. */
  classification: string | null;
  /** Always `closed` in an export. */
  status: 'closed' | 'open';
  openedAt: Date;
  closedAt: Date | null;
  closedReason: string | null;
  /** The meeting date of the case's final (latest) paragraph, when there is one. */
  decisionDate: string | null;
  /** The owning organisation. */
  organisation: string;
  officer: ArchiveAgent | null;
  confidential: boolean;
  /**
   * The OSL references behind the case's confidentiality: the markings of its confidential
   * documents, or a general reference when the case is confidential without one.
   */
  secrecyReferences: string[];
  records: ArchiveRecord[];
  rounds: ArchiveRound[];
  answeredRounds: ArchiveAnsweredRound[];
  paragraphs: ArchiveParagraph[];
  history: ArchiveHistoryEvent[];
}

/** About the package and who made it: the control section and the README. */
export interface ArchivePackageInfo {
  /** The package id, also the root folder's name. */
  packageId: string;
  /** The producer: the municipality from the settings. */
  producer: string;
  system: { name: string; version: string };
  createdAt: Date;
  /** A human-readable description of the selection, in Swedish. */
  selection: string;
}
