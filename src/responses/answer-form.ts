import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DomainError, type FieldProblem } from '../common/domain-error.js';
import { flatten } from '../common/validation.js';
import type { RoundSection } from '../referral-rounds/referral-round.entity.js';
import { AnswerDto } from './dto/response.dto.js';
import { commentField, type FormState } from './response-page.js';

const DECISION_FIELDS = {
  organ: 'decision_organ',
  date: 'decision_date',
  paragraph: 'decision_paragraph',
  caseNumber: 'decision_case_number',
} as const;

/** What each form field's problem is called on the Swedish page. */
const MESSAGES: Record<string, string> = {
  position: 'Välj ett ställningstagande.',
  summary: 'Skriv ert svar, kommentera ett avsnitt eller bifoga svaret som fil.',
  decision_organ: 'Ange beslutande organ med högst 200 tecken.',
  decision_date: 'Ange beslutsdatum som ÅÅÅÅ-MM-DD, till exempel 2026-09-08.',
  decision_paragraph: 'Ange paragrafnummer, till exempel 87.',
  decision_case_number: 'Ange ert diarienummer, till exempel SFN 2026/0130.',
  files: 'Filen kan inte tas emot. Bifoga PDF, Word, OpenDocument, Excel, text, bild eller e-post.',
  comment: 'Synpunkten får vara högst 20 000 tecken.',
};

/** The form's fields as an answer; the fields the user left empty are left out. */
export function answerFromForm(
  body: Record<string, unknown>,
  sections: RoundSection[],
): { answer: Record<string, unknown>; values: Record<string, string>; commentFields: string[] } {
  const values = Object.fromEntries(
    Object.entries(body).flatMap(([key, value]) =>
      typeof value === 'string' ? [[key, value]] : [],
    ),
  );
  const filled = (key: string) => (values[key]?.trim() ? values[key] : undefined);
  const comments = sections.flatMap((section, index) => {
    const text = filled(commentField(index));
    return text ? [{ field: commentField(index), sectionRef: section.ref, text }] : [];
  });
  const decision = Object.fromEntries(
    Object.entries(DECISION_FIELDS).flatMap(([key, field]) => {
      const value = filled(field);
      return value ? [[key, value.trim()]] : [];
    }),
  );
  return {
    answer: {
      position: filled('position'),
      summary: filled('summary'),
      comments: comments.map(({ sectionRef, text }) => ({ sectionRef, text })),
      decision: Object.keys(decision).length > 0 ? decision : undefined,
    },
    values,
    commentFields: comments.map((comment) => comment.field),
  };
}

/** Validates the answer as the JSON route would; refuses with 400 naming the fields. */
export async function validAnswer(answer: Record<string, unknown>): Promise<AnswerDto> {
  const instance = plainToInstance(AnswerDto, answer);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw DomainError.validation(flatten(errors));
  return instance;
}

/** An API error as problems next to the form's fields, in Swedish. */
export function formErrors(error: DomainError, commentFields: string[]): FormState['errors'] {
  const problems = Array.isArray(error.details) ? (error.details as FieldProblem[]) : [];
  if (problems.length === 0) {
    const status = Number(error.status);
    if (status === 413) return [{ field: 'files', message: 'Filen är för stor.' }];
    if (status === 415) return [{ field: 'files', message: MESSAGES.files }];
    if (status === 409)
      return [{ field: 'summary', message: 'Remissen tar inte längre emot svar.' }];
    return [{ field: 'summary', message: MESSAGES.summary }];
  }
  return problems.map((problem) => {
    const comment = /^comments\.(\d+)/.exec(problem.field);
    if (comment) {
      return { field: commentFields[Number(comment[1])] ?? 'summary', message: MESSAGES.comment };
    }
    const decision = /^decision\.(\w+)/.exec(problem.field);
    if (decision) {
      const field =
        DECISION_FIELDS[decision[1] as keyof typeof DECISION_FIELDS] ?? 'decision_organ';
      return { field, message: MESSAGES[field] };
    }
    const field = problem.field.startsWith('files')
      ? 'files'
      : problem.field in MESSAGES
        ? problem.field
        : 'summary';
    return { field, message: MESSAGES[field] };
  });
}
