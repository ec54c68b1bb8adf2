import { DomainError } from '../common/domain-error.js';
import type {
  RecipientDto,
  RecipientFollowUpDto,
  RoundDto,
} from '../referral-rounds/dto/round.dto.js';
import { formErrors } from '../responses/answer-form.js';
import { POSITION_LABELS } from '../responses/positions.js';
import { POSITIONS } from '../responses/response.entity.js';
import type { Choice } from './form-fields.js';
import type { FormError } from './forms.js';

// The inbox pages' words and shapes: what the controller hands its templates, kept out of it.

/** The answer form's fields in page order, for the error summary. */
const ANSWER_ORDER = [
  'position',
  'summary',
  'comment_',
  'decision_organ',
  'decision_date',
  'decision_paragraph',
  'decision_case_number',
  'files',
  'replace',
];

/** What the confirmation checkbox posts when ticked. */
export const REPLACE = 'yes';

/** The same positions, in the same order and words, as the registrar's paper-answer form. */
export const POSITION_CHOICES: Choice[] = POSITIONS.map((value) => ({
  value,
  label: POSITION_LABELS[value],
}));

/** A remiss's status as the consultee reads it in the inbox. */
export function inboxStatus(
  recipient: RecipientDto,
  round: { status: RoundDto['status'] },
): string {
  if (recipient.status === 'answered') return recipient.late ? 'besvarad (sen)' : 'besvarad';
  if (recipient.status === 'declined') return recipient.late ? 'avstått (sent)' : 'avstått';
  if (round.status === 'closed') return 'stängd utan svar';
  if (recipient.status === 'pending') return 'ej skickad';
  return recipient.overdue ? 'sen' : 'obesvarad';
}

export const hasAnswered = (recipient: RecipientDto) =>
  recipient.status === 'answered' || recipient.status === 'declined';

/** What the inbox entry's pages print about the remiss and the organisation it is for. */
export function entryTexts(round: RoundDto, recipient: RecipientDto, sender: string) {
  return {
    id: recipient.id,
    title: round.title ?? `Remiss i ärende ${round.caseNumber}`,
    redacted: round.redacted,
    sender,
    caseNumber: round.caseNumber,
    organisation: recipient.organisation.name,
    ownCaseNumber: recipient.ownCaseNumber,
    deadline: recipient.deadline,
    extended: recipient.extended,
    originalDeadline: recipient.extended ? round.deadline : null,
    statusLabel: inboxStatus(recipient, round),
    message: round.message,
    roundStatus: round.status,
  };
}

/** The answer service's refusals that concern the form, in the link page's Swedish words. */
export function answerRefusal(error: unknown, commentFields: string[]): FormError[] | null {
  if (!(error instanceof DomainError)) return null;
  const status = Number(error.status);
  if (![400, 409, 413, 415, 422].includes(status)) return null;
  return formErrors(error, commentFields);
}

/** The answer form's errors in the order of its fields, as the error summary lists them. */
export function inFormOrder(errors: FormError[]): FormError[] {
  const rank = (field: string) => {
    const index = ANSWER_ORDER.findIndex((name) =>
      name.endsWith('_') ? field.startsWith(name) : field === name,
    );
    return index === -1 ? ANSWER_ORDER.length : index;
  };
  return [...errors].sort((a, b) => rank(a.field) - rank(b.field));
}

export function withoutEmpty(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body).filter(
      ([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0),
    ),
  );
}

export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte`;
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} kB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace('.', ',')} MB`;
}

/**
 * The pager's links: forward with the API's keyset cursor, back through the trail of cursors
 * that led here (`-` for the first page).
 */
export function pager(
  organisationId: string,
  current: string,
  trail: string[],
  page: { nextCursor: string | null },
): { next: string | null; previous: string | null } {
  const link = (cursor: string | null, nextTrail: string[]) => {
    const params = new URLSearchParams();
    if (organisationId) params.set('organisationId', organisationId);
    if (cursor) params.set('cursor', cursor);
    if (nextTrail.length) params.set('trail', nextTrail.join('.'));
    const text = params.toString();
    return text ? `/inbox?${text}` : '/inbox';
  };
  const last = trail[trail.length - 1];
  return {
    next: page.nextCursor ? link(page.nextCursor, [...trail, current || '-']) : null,
    previous: current ? link(last && last !== '-' ? last : null, trail.slice(0, -1)) : null,
  };
}

/** One row of the inbox list. */
export function inboxItem(item: RecipientFollowUpDto) {
  return {
    id: item.id,
    title: item.round.title,
    sender: item.round.sender,
    caseNumber: item.round.caseNumber,
    organisation: item.organisation.name,
    deadline: item.deadline,
    extended: item.extended,
    // The first extension's previous deadline is the round's own.
    originalDeadline: item.extensions[0]?.previousDeadline ?? null,
    ownCaseNumber: item.ownCaseNumber,
    statusLabel: inboxStatus(item, item.round),
  };
}

/** The answer form's fixed parts: positions, a comment field per section, the confirmation. */
export function answerFormParts(round: RoundDto, recipient: RecipientDto) {
  return {
    positions: POSITION_CHOICES,
    sections: round.sections.map((section, index) => ({
      name: `comment_${index}`,
      label: `${section.ref} ${section.title}`,
    })),
    replaceChoices: [{ value: REPLACE, label: 'Jag vill ersätta det tidigare svaret' }],
    caseNumberHint: `Lämnas fältet tomt anges ert ärende ${recipient.ownCaseNumber ?? ''}`,
  };
}
