import { DomainError, type FieldProblem } from '../common/domain-error.js';
import type { MeetingStatus } from '../meetings/meeting-status.js';
import type { ItemDto, MeetingDto } from '../meetings/dto/meeting.dto.js';
import { formErrorsOf, type FormDefinition, type FormError } from './forms.js';

// The meeting pages' forms, labels and the Swedish wording of the meeting services' refusals.

export const MEETING_STATUS_LABELS: Record<MeetingStatus, string> = {
  planned: 'planerat',
  held: 'hållet',
  adjusted: 'justerat',
};

export const MEETING_FORM: FormDefinition = {
  organisationId: { label: 'Organ', kind: 'number', chosen: true },
  date: { label: 'Datum', kind: 'date' },
  startsAt: { label: 'Tid' },
  place: { label: 'Plats' },
  chair: { label: 'Ordförande' },
  secretary: { label: 'Sekreterare' },
  adjusters: { label: 'Justerare', kind: 'list' },
};

export const ADJUST_FORM: FormDefinition = {
  chair: { label: 'Ordförande' },
  secretary: { label: 'Sekreterare' },
  adjusters: { label: 'Justerare', kind: 'list' },
  adjustedOn: { label: 'Justeringsdatum', kind: 'date' },
};

export const NOTICE_FORM: FormDefinition = { postedOn: { label: 'Anslaget den', kind: 'date' } };
export const HOLD_FORM: FormDefinition = { hold: { label: 'Sammanträdet' } };
export const ORDER_FORM: FormDefinition = { itemIds: { label: 'Ordningen' } };

/** The paragraph's fields, in the order the form shows them. */
export const ITEM_FORM: FormDefinition = {
  title: { label: 'Rubrik' },
  caseId: { label: 'Ärende', kind: 'number', chosen: true },
  documents: { label: 'Handlingar' },
  background: { label: 'Bakgrund' },
  proposals: { label: 'Yrkanden' },
  decisionProcess: { label: 'Beslutsgång' },
  deliberation: { label: 'Överläggning' },
  decision: { label: 'Beslut' },
  reservations: { label: 'Reservationer' },
  sendTo: { label: 'Expedieras till' },
};

/** The optional texts of a paragraph: an emptied field clears the text. */
export const ITEM_TEXTS = [
  'documents',
  'background',
  'proposals',
  'decisionProcess',
  'deliberation',
  'reservations',
] as const;

export const ITEM_ADJUST_FORM: FormDefinition = {
  adjustedOn: { label: 'Justeringsdatum', kind: 'date' },
};
export const DISPATCH_FORM: FormDefinition = {
  organisationIds: { label: 'Mottagare', chosen: true },
};

/** A meeting as pages name it: "Kommunstyrelsen 2026-05-21". */
export function meetingName(meeting: Pick<MeetingDto, 'organisationName' | 'date'>): string {
  return `${meeting.organisationName} ${meeting.date}`;
}

/** A paragraph's title as the pages show it, or the words that stand for a withheld one. */
export function itemTitle(item: Pick<ItemDto, 'title' | 'redacted'>): string {
  return item.redacted || item.title === null ? 'Sekretessbelagd paragraf' : item.title;
}

/** Names typed one per line (justerare, other receivers), without empty lines. */
export function lines(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join('\n') : (value ?? '');
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

const between = /between the (meeting|adjustment) \((\S+)\) and today \((\S+)\)/;

/** The services' refusals by code, in Swedish, on the field of the form they concern. */
const CONFLICTS: Record<string, (error: DomainError) => FormError> = {
  meeting_not_held: (error) => ({
    field: 'hold',
    message: `Sammanträdet är ${/on (\S+),/.exec(error.message)?.[1] ?? 'senare'} och har inte ägt rum ännu`,
  }),
  invalid_transition: () => ({
    field: 'hold',
    message: 'Sammanträdet är redan markerat som hållet',
  }),
  meeting_adjusted: () => ({
    field: 'hold',
    message: 'Sammanträdet är justerat; paragraferna är låsta',
  }),
  item_adjusted: () => ({ field: 'itemIds', message: 'Paragrafen är justerad och låst' }),
  no_items: () => ({
    field: 'adjustedOn',
    message: 'Ett sammanträde utan paragrafer kan inte justeras',
  }),
  notice_already_posted: () => ({ field: 'postedOn', message: 'Anslaget är redan registrerat' }),
  not_adjusted: () => ({
    field: 'organisationIds',
    message: 'Bara en justerad paragraf kan expedieras',
  }),
  item_without_case: () => ({
    field: 'organisationIds',
    message: 'Paragrafen har inget ärende att registrera de expedierade utdragen i',
  }),
  confidential: () => ({
    field: 'organisationIds',
    message: 'Ärendet omfattas av sekretess; utdraget skickas inte med e-post',
  }),
  version_mismatch: () => ({
    field: 'title',
    message:
      'Paragrafen har ändrats av någon annan sedan du öppnade den. Ladda om sidan och försök igen.',
  }),
};

const MISSING: Record<string, string> = {
  chair: 'Ange ordförande före justeringen',
  secretary: 'Ange sekreterare före justeringen',
  adjusters: 'Ange minst en justerare före justeringen',
};

/**
 * A refusal of the meeting services as the form's errors, in Swedish: the named conflicts, the
 * names missing before an adjustment, days outside their range, then any field problem; null
 * when the error is not about the form (let it through to the error page).
 */
export function meetingRefusal(form: FormDefinition, error: unknown): FormError[] | null {
  if (!(error instanceof DomainError)) return null;
  const known = CONFLICTS[error.code];
  if (known) {
    const found = known(error);
    const field = found.field in form ? found.field : Object.keys(form)[0];
    return [{ ...found, field }];
  }
  const problems = Array.isArray(error.details) ? (error.details as FieldProblem[]) : [];
  if (error.code === 'meeting_incomplete') {
    const field = (name: string) => (name in form ? name : Object.keys(form)[0]);
    return problems.map((problem) => ({
      field: field(problem.field),
      message: `${MISSING[problem.field] ?? 'Uppgifter saknas'}${'chair' in form ? '' : ' (på sammanträdets sida)'}`,
    }));
  }
  const ranged = problems.flatMap((problem) => {
    const match = between.exec(problem.messages[0] ?? '');
    if (!match || !(problem.field in form)) return [];
    const what = match[1] === 'meeting' ? 'sammanträdet' : 'justeringen';
    return [
      {
        field: problem.field,
        message: `${form[problem.field].label} kan vara från ${what} (${match[2]}) till i dag (${match[3]})`,
      },
    ];
  });
  if (ranged.length > 0) return ranged;
  const dispatch = problems.find(
    (problem) =>
      problem.field === 'organisationIds' &&
      problem.messages.some((message) => message.startsWith('organisationIds: ')),
  );
  if (dispatch && 'organisationIds' in form) {
    return [
      {
        field: 'organisationIds',
        message: dispatch.messages
          .map((message) =>
            message
              .replace(/^organisationIds: /, '')
              .replace(/(.*) has no e-mail address/, '$1 saknar e-postadress')
              .replace(/(.*) is not active/, '$1 är inte aktiv')
              .replace(/(\d+) is not a known organisation/, 'Organisation $1 finns inte'),
          )
          .join('; '),
      },
    ];
  }
  if (problems.some((problem) => problem.field === 'caseId') && 'caseId' in form) {
    return [{ field: 'caseId', message: 'Välj ett ärende bland sökträffarna' }];
  }
  return formErrorsOf(form, error);
}
