import { HttpStatus, type Type } from '@nestjs/common';
import { DomainError, type FieldProblem } from '../common/domain-error.js';
import { createValidationPipe } from '../common/validation.js';

/** How a form field's text is turned into the API DTO's value. */
export type FieldKind = 'text' | 'number' | 'boolean' | 'list' | 'date';

export interface FieldDefinition {
  /** The field's label as the page shows it; error messages name it. */
  label: string;
  kind?: FieldKind;
  /** Chosen from a list (select, radios): a missing value reads "Välj …", not "Fyll i …". */
  chosen?: boolean;
}

/** A page's form: its fields by name (the DTO's property names, which are also the ids). */
export type FormDefinition = Record<string, FieldDefinition>;

export interface FormError {
  field: string;
  message: string;
}

/** What a form shows: what was typed (as typed) and what was wrong with it. */
export interface FormState {
  values: Record<string, string | string[]>;
  errors: FormError[];
}

export function emptyForm(values: Record<string, string | string[]> = {}): FormState {
  return { values, errors: [] };
}

/** The posted fields as typed, for showing the form again (repeated fields stay lists). */
export function typedValues(body: unknown): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  if (!body || typeof body !== 'object') return values;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (name === '_csrf') continue;
    if (typeof value === 'string') values[name] = value;
    else if (Array.isArray(value)) values[name] = value.filter((v) => typeof v === 'string');
  }
  return values;
}

/**
 * Turns a posted form (strings; repeated fields are lists) into a request body for the API's DTO:
 * empty fields are left out (so "required" is the API's own check), numbers and booleans are
 * converted by the field's kind. Fields the form does not define are passed on, so the API's
 * whitelist refuses them as it would in JSON.
 */
export function formToBody(form: FormDefinition, body: unknown): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(typedValues(body))) {
    const kind = form[name]?.kind ?? 'text';
    if (kind === 'list') {
      result[name] = (Array.isArray(raw) ? raw : [raw]).filter((v) => v.trim() !== '');
      continue;
    }
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value.trim() === '') continue;
    if (kind === 'number')
      result[name] = /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
    else if (kind === 'boolean') result[name] = value === 'true' || value === 'on';
    else result[name] = value;
  }
  for (const [name, field] of Object.entries(form)) {
    if (field.kind === 'list' && !(name in result)) result[name] = [];
  }
  return result;
}

const pipe = createValidationPipe();

/**
 * Validates a posted form exactly as the API validates the same request: converts it to the DTO
 * with the global ValidationPipe. Throws the same DomainError the API would answer 400 with; map it
 * with {@link formErrorsOf}.
 */
export async function formToDto<T extends object>(
  dto: Type<T>,
  form: FormDefinition,
  body: unknown,
): Promise<T> {
  return (await pipe.transform(formToBody(form, body), { type: 'body', metatype: dto })) as T;
}

/**
 * Validates a body the page has put together itself (for instance an answer's comments and
 * decision as the JSON strings a multipart request carries) with the API's ValidationPipe.
 */
export async function bodyToDto<T extends object>(
  dto: Type<T>,
  body: Record<string, unknown>,
): Promise<T> {
  return (await pipe.transform(body, { type: 'body', metatype: dto })) as T;
}

// The API's English messages, most specific first; `label` is the field's label.
const TRANSLATIONS: [RegExp, (label: string, match: RegExpExecArray) => string][] = [
  [/ is required$/, (label) => `Fyll i ${lower(label)}`],
  [/should not be empty|must not be empty|must not be blank/, (label) => `Fyll i ${lower(label)}`],
  [
    /must be today \((\d{4}-\d{2}-\d{2})\) or later/,
    (label, m) => `${label} har redan passerat; välj i dag (${m[1]}) eller senare`,
  ],
  [
    /must be at most (\d+) years ahead \(on or before (\d{4}-\d{2}-\d{2})\)/,
    (label, m) => `${label} får vara högst ${m[1]} år framåt (senast ${m[2]})`,
  ],
  [/should not exist/, (label) => `Fältet ${lower(label)} hör inte till formuläret`],
  [
    /(shorter than or equal to|at most|longest) (\d+)/,
    (label, m) => `${label} får vara högst ${m[2]} tecken`,
  ],
  [
    /(longer than or equal to|at least) (\d+) characters/,
    (label, m) => `${label} måste vara minst ${m[2]} tecken`,
  ],
  [
    /e-?mail/i,
    (label) => `Skriv ${lower(label)} som en e-postadress, till exempel namn@exempel.se`,
  ],
  [
    /date|YYYY-MM-DD|ISO 8601/i,
    (label) => `Skriv ${lower(label)} som ett datum, till exempel 2026-12-02`,
  ],
  [/must be one of|must be a valid enum/, (label) => `Välj ${lower(label)} bland alternativen`],
  [
    /integer|must be a number|must be a positive/,
    (label) => `Skriv ${lower(label)} som ett heltal`,
  ],
  [
    /must not be less than (\d+)|must be at least (\d+)/,
    (label, m) => `${label} måste vara minst ${m[1] ?? m[2]}`,
  ],
  [
    /must not be greater than (\d+)|must be at most (\d+)/,
    (label, m) => `${label} får vara högst ${m[1] ?? m[2]}`,
  ],
  [/must be an array|must contain/, (label) => `Välj ${lower(label)}`],
  [/must be a boolean/, (label) => `Svara ja eller nej på ${lower(label)}`],
];

function lower(label: string): string {
  return label.charAt(0).toLowerCase() + label.slice(1);
}

/** One API validation message in Swedish, naming the field by its label. */
export function swedishMessage(label: string, message: string): string {
  for (const [pattern, text] of TRANSLATIONS) {
    const match = pattern.exec(message);
    if (match) return text(label, match);
  }
  return `Kontrollera ${lower(label)}`;
}

/**
 * The form errors for a refused form: a DomainError's field problems (validation, or any error
 * whose details name fields) in Swedish, one per field, in the form's order. Null when the error
 * is not about the form's fields (let it through to the error page).
 */
export function formErrorsOf(form: FormDefinition, error: unknown): FormError[] | null {
  if (!(error instanceof DomainError)) return null;
  if (
    error.status !== HttpStatus.BAD_REQUEST &&
    error.status !== HttpStatus.CONFLICT &&
    error.status !== HttpStatus.UNPROCESSABLE_ENTITY
  ) {
    return null;
  }
  const problems = fieldProblemsOf(error.details);
  if (problems.length === 0) return null;
  const seen = new Set<string>();
  const errors: FormError[] = [];
  for (const problem of problems) {
    // `sections.0.title` belongs to the form's `sections` field.
    const field = problem.field in form ? problem.field : problem.field.split('.')[0];
    if (seen.has(field)) continue;
    seen.add(field);
    const label = form[field]?.label ?? field;
    const message = swedishMessage(label, problem.messages[0] ?? '');
    errors.push({
      field,
      message:
        form[field]?.chosen && message.startsWith('Fyll i ')
          ? `Välj ${message.slice('Fyll i '.length)}`
          : message,
    });
  }
  const order = Object.keys(form);
  const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length);
  return errors.sort((a, b) => rank(a.field) - rank(b.field));
}

function fieldProblemsOf(details: unknown): FieldProblem[] {
  if (Array.isArray(details)) {
    return details.filter(
      (item): item is FieldProblem =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as FieldProblem).field === 'string' &&
        Array.isArray((item as FieldProblem).messages),
    );
  }
  if (details && typeof details === 'object') {
    const { field, message } = details as { field?: unknown; message?: unknown };
    if (typeof field === 'string') {
      return [{ field, messages: [typeof message === 'string' ? message : ''] }];
    }
  }
  return [];
}
