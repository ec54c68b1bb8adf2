import type { Actor } from './actor.js';

/**
 * What is known about the secrecy (OSL) of one thing a user asks to see: a case, or anything that
 * belongs to one (document, round, section, comment, answer, paragraph, audit row). Built from data
 * the caller has already loaded, so deciding costs no query.
 */
export interface SecrecySubject {
  /** Its case is confidential: every child of a confidential case is confidential too. */
  caseConfidential: boolean;
  /** Its own marking, e.g. a document's "OSL 21 kap. 7 §". */
  marking?: string | null;
  /**
   * Organisations it was sent to under secrecy (a round's recipients, the organisation whose answer
   * it is): their respondents received it to answer, so they may read it.
   */
  sentTo?: readonly number[];
  /** The actor keeps the minutes it is recorded in (a clerk of the meeting's organisation). */
  keptByActor?: boolean;
}

/** Registrars and admins read confidential titles, parties and contents; others see only that they exist. */
export function readsEverySecret(actor: Actor): boolean {
  return actor.roles.includes('registrar') || actor.roles.includes('admin');
}

/** The one rule for secrecy: every read path asks it before it shows a title, a name or a text. */
export const Secrecy = {
  isConfidential(subject: SecrecySubject): boolean {
    return subject.caseConfidential || (subject.marking ?? null) !== null;
  },

  /** May the actor see the contents (title, parties, texts) of the thing, or only that it exists? */
  maySee(actor: Actor, subject: SecrecySubject): boolean {
    if (!Secrecy.isConfidential(subject) || readsEverySecret(actor)) return true;
    if (subject.keptByActor) return true;
    // The consultee: a respondent of an organisation it was sent to, or the holder of that
    // organisation's secure link (who has no account, so no roles).
    const answersFor = actor.roles.includes('respondent') || actor.roles.length === 0;
    return answersFor && (subject.sentTo ?? []).some((id) => actor.organisationIds.includes(id));
  },

  /** The value when the actor may see it, otherwise null. */
  shown<T>(visible: boolean, value: T): T | null {
    return visible ? value : null;
  },

  /**
   * Whether a before/after state written to the audit log says by itself that it was confidential
   * (a case with `confidential: true`, a document with a marking).
   */
  stateIsConfidential(state: unknown): boolean {
    if (state === null || typeof state !== 'object') return false;
    const record = state as Record<string, unknown>;
    return (
      record.confidential === true ||
      (typeof record.confidentiality === 'string' && record.confidentiality !== '')
    );
  },

  /** The title a mail may print for a round: a confidential one is named by its case number only. */
  mailRoundTitle(title: string, subject: SecrecySubject): string {
    return Secrecy.isConfidential(subject) ? CONFIDENTIAL_ROUND_TITLE : title;
  },

  /**
   * A free text a mail may print about a round (an extension's reason): one of a confidential round
   * is replaced, as a mail travels outside the register's access control.
   */
  mailText(text: string, subject: SecrecySubject): string {
    return Secrecy.isConfidential(subject) ? CONFIDENTIAL_TEXT : text;
  },

  /** The title a mail may print for a document. */
  mailDocumentTitle(title: string, subject: SecrecySubject): string {
    return Secrecy.isConfidential(subject) ? CONFIDENTIAL_DOCUMENT_TITLE : title;
  },
} as const;

/** What mails say instead of a confidential round's title (the case number is printed beside it). */
export const CONFIDENTIAL_ROUND_TITLE = 'Sekretessbelagd remiss';
/** What mails say instead of a free text of a confidential round. */
export const CONFIDENTIAL_TEXT = 'Sekretessbelagd uppgift, se ärendet';
/** What mails say instead of a confidential document's title. */
export const CONFIDENTIAL_DOCUMENT_TITLE = 'Sekretessbelagd handling';

/** A document is confidential when its case is, or when it carries a marking of its own. */
export function documentSecrecy(
  owner: { confidential: boolean },
  document: { confidentiality: string | null },
): SecrecySubject {
  return { caseConfidential: owner.confidential, marking: document.confidentiality };
}
