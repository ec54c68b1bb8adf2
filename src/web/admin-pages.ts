import { DomainError } from '../common/domain-error.js';
import type { OrganisationKind } from '../organisations/organisation-kind.js';
import type { ParagraphNumbering } from '../organisations/paragraph-numbering.js';
import type { Role } from '../users/role.js';
import type { Choice } from './form-fields.js';
import { formErrorsOf, type FormDefinition, type FormError } from './forms.js';

/** The sub-navigation between the three Administration pages, in order. */
const ADMIN_PAGES = [
  { label: 'Organisationer', href: '/admin/organisations' },
  { label: 'Användare', href: '/admin/users' },
  { label: 'Logg', href: '/admin/audit' },
] as const;

/** The sub-navigation for a page under `href` (marked as the current one). */
export function adminNav(href: (typeof ADMIN_PAGES)[number]['href']) {
  return ADMIN_PAGES.map((entry) => ({ ...entry, current: entry.href === href }));
}

export const KIND_TEXT: Record<OrganisationKind, string> = {
  council: 'Fullmäktige eller styrelse',
  committee: 'Nämnd eller utskott',
  company: 'Bolag',
  federation: 'Kommunalförbund',
  external: 'Extern organisation',
};

export const NUMBERING_TEXT: Record<ParagraphNumbering, string> = {
  yearly: 'Börjar om på 1 varje år',
  continuous: 'Löpande, börjar aldrig om',
};

export const ROLE_TEXT: Record<Role, string> = {
  admin: 'Administratör',
  registrar: 'Registrator',
  clerk: 'Nämndsekreterare',
  respondent: 'Remissinstans',
  reader: 'Läsare',
};

export const choicesOf = (texts: Record<string, string>): Choice[] =>
  Object.entries(texts).map(([value, label]) => ({ value, label }));

/** What the pages say for the services' refusals whose English message is not enough. */
const REFUSALS: Record<string, string> = {
  name_taken: 'Det finns redan en organisation med det namnet',
  series_code_taken: 'En annan organisation har redan den diarieserien',
  email_taken: 'Det finns redan en användare med den e-postadressen',
  last_admin:
    'Du är den enda aktiva administratören. Ge en annan användare rollen administratör innan du tar bort rollen eller inaktiverar kontot.',
};

/** Field messages of the API that the general translation words badly, by field. */
const FIELD_TEXT: Record<string, (message: string) => string | null> = {
  seriesCode: (message) =>
    message.includes('capital letters')
      ? 'Skriv diarieserien med 1–10 versaler, till exempel KS eller SFN'
      : null,
  parentId: (message) =>
    message.includes('own ancestor')
      ? 'Organisationen kan inte ligga under sig själv eller en av sina underorganisationer'
      : null,
  organisationIds: (message) =>
    message.includes('unknown ids') ? 'En av de valda organisationerna finns inte längre' : null,
};

/**
 * The form errors of a refused admin form, as {@link formErrorsOf} gives them, with the Swedish
 * wording of the refusals above. Null when the error is not about the form.
 */
export function adminFormErrors(form: FormDefinition, error: unknown): FormError[] | null {
  const errors = formErrorsOf(form, error);
  if (!errors || !(error instanceof DomainError)) return errors;
  const refusal = REFUSALS[error.code];
  const problems = Array.isArray(error.details)
    ? (error.details as { field: string; messages: string[] }[])
    : [];
  return errors.map((found) => {
    if (refusal) return { ...found, message: refusal };
    const original = problems.find((problem) => problem.field === found.field)?.messages[0];
    const text = original === undefined ? null : (FIELD_TEXT[found.field]?.(original) ?? null);
    return text ? { ...found, message: text } : found;
  });
}

/** How many earlier cursors the "Föregående" link carries back. */
const BACK_LIMIT = 40;

/** The position in a keyset-paged list, as its query string gives it. */
export interface PagePosition {
  cursor: string | null;
  /** The cursors of the pages before, oldest first; "-" stands for the first page. */
  back: string[];
}

export function positionOf(query: Record<string, unknown>): PagePosition {
  return {
    cursor: typeof query.cursor === 'string' && query.cursor !== '' ? query.cursor : null,
    back:
      typeof query.back === 'string' && query.back !== ''
        ? query.back.split('.').slice(-BACK_LIMIT)
        : [],
  };
}

/** The query string of a list's filters (without cursor), `?…` or empty. */
export function searchOf(filters: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (typeof value === 'string' && value !== '') params.set(name, value);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** "Föregående" and "Nästa" for a list at `path` with the API's keyset cursors, as /cases has. */
export function pagerOf(
  path: string,
  filters: Record<string, unknown>,
  at: PagePosition,
  nextCursor: string | null,
): { previousHref: string | null; nextHref: string | null } {
  const link = (cursor: string | null, earlier: string[]) => {
    const params = new URLSearchParams(searchOf(filters).slice(1));
    if (cursor) params.set('cursor', cursor);
    if (earlier.length > 0) params.set('back', earlier.join('.'));
    const text = params.toString();
    return `${path}${text ? `?${text}` : ''}`;
  };
  const { cursor, back } = at;
  const previous = back.length > 0 && back[back.length - 1] !== '-' ? back[back.length - 1] : null;
  return {
    previousHref: cursor === null ? null : link(previous, back.slice(0, -1)),
    nextHref: nextCursor ? link(nextCursor, [...back, cursor ?? '-'].slice(-BACK_LIMIT)) : null,
  };
}
