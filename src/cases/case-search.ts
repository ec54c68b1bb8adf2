import { MAX_TERM, MIN_TERM, wordsOf } from './case-terms.js';

// Search over title, description and case number, newest first, a page at a time.
// - A whole case number (`KS 2021/0486`) is one lookup in the case number's unique index.
// - Words of three letters or more go through case_search_term: each word is a prefix
//   ("inklud" finds "inkludering"), all words must match, and the read stops after a page.
// - Anything else (digits, short fragments) falls back to LIKE on case_record, read newest first,
//   so it stops at the page's last hit.

/** A prefix that matches more terms than this is not read term by term (see termSearchSql). */
export const MAX_EXPANSION = 32;

const CASE_NUMBER = /^(\p{L}+) (\d{4})\/(\d{4,})$/u;

export type SearchPlan =
  | { kind: 'number'; caseNumber: string }
  | { kind: 'terms'; words: string[] }
  | { kind: 'like'; like: string };

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** How to search for what the user typed. */
export function planSearch(q: string): SearchPlan {
  const text = q.trim().replace(/\s+/g, ' ');
  const number = CASE_NUMBER.exec(text);
  if (number)
    return { kind: 'number', caseNumber: `${number[1].toUpperCase()} ${number[2]}/${number[3]}` };
  const words = [...new Set(wordsOf(text))];
  const byTerms =
    words.length > 0 &&
    !/\d/.test(text) &&
    words.every((word) => Array.from(word).length >= MIN_TERM);
  if (!byTerms) return { kind: 'like', like: `%${escapeLike(text)}%` };
  // A word that starts another word adds nothing: every case matching the longer matches it.
  return {
    kind: 'terms',
    words: words.filter((word) => !words.some((other) => other !== word && other.startsWith(word))),
  };
}

/** `LIKE` pattern for the terms that start with a word (words are at most MAX_TERM long). */
export function prefixPattern(word: string): string {
  return `${escapeLike(Array.from(word).slice(0, MAX_TERM).join(''))}%`;
}

export interface SearchFilters {
  /** Keyset cursor: only cases with a smaller id. */
  beforeId?: number;
  /** Leave out confidential cases (the actor may not read them). */
  hideConfidential: boolean;
  status?: string;
  organisationId?: number;
}

export interface SearchSql {
  sql: string;
  parameters: (string | number)[];
}

/** The filters as conditions on case `c`, its id read from `idColumn`. */
export function filterConditions(
  idColumn: string,
  filters: SearchFilters,
): { parts: string[]; parameters: (string | number)[] } {
  const parts: string[] = [];
  const parameters: (string | number)[] = [];
  if (filters.beforeId !== undefined) {
    parts.push(`${idColumn} < ?`);
    parameters.push(filters.beforeId);
  }
  if (filters.hideConfidential) parts.push('c.confidential = 0');
  if (filters.status !== undefined) {
    parts.push('c.status = ?');
    parameters.push(filters.status);
  }
  if (filters.organisationId !== undefined) {
    parts.push('c.organisation_id = ?');
    parameters.push(filters.organisationId);
  }
  return { parts, parameters };
}

/** Conditions on case `c` (joined only when needed) and the other words' terms. */
function conditions(
  idColumn: string,
  filters: SearchFilters,
  prefixes: readonly string[],
): SearchSql & { needsCase: boolean } {
  const { parts, parameters } = filterConditions(idColumn, filters);
  const needsCase =
    filters.hideConfidential ||
    filters.status !== undefined ||
    filters.organisationId !== undefined;
  for (const prefix of prefixes) {
    // Probes the case's own terms through the foreign key's (case_id, term) index. A scalar
    // subquery, because the optimizer would turn EXISTS into a semi-join that reads every term
    // with the prefix before the first case.
    parts.push(
      `(SELECT 1 FROM case_search_term o WHERE o.case_id = ${idColumn} AND o.term LIKE ? LIMIT 1) IS NOT NULL`,
    );
    parameters.push(prefix);
  }
  return { sql: parts.map((part) => ` AND ${part}`).join(''), parameters, needsCase };
}

/**
 * The ids of one page of matches, newest first. With `driverTerms` (the terms one word expands
 * to), each term's run of the primary key is read newest first and stops after `limit` rows, and
 * the runs are merged; the other words are checked per case. Without them (every word starts too
 * many terms, so it is common) the cases are read newest first and each is checked.
 */
export function termSearchSql(
  driverTerms: readonly string[] | null,
  otherWords: readonly string[],
  filters: SearchFilters,
  limit: number,
): SearchSql {
  const prefixes = otherWords.map(prefixPattern);
  if (driverTerms === null) {
    const where = conditions('c.id', filters, prefixes);
    return {
      sql: `SELECT c.id AS case_id FROM case_record c WHERE 1 = 1${where.sql} ORDER BY c.id DESC LIMIT ?`,
      parameters: [...where.parameters, limit],
    };
  }
  const where = conditions('t.case_id', filters, prefixes);
  const from = where.needsCase
    ? 'case_search_term t JOIN case_record c ON c.id = t.case_id'
    : 'case_search_term t';
  const branch = `SELECT STRAIGHT_JOIN t.case_id FROM ${from} WHERE t.term = ?${where.sql} ORDER BY t.case_id DESC LIMIT ?`;
  if (driverTerms.length === 1) {
    return { sql: branch, parameters: [driverTerms[0], ...where.parameters, limit] };
  }
  return {
    sql:
      `SELECT u.case_id FROM (${driverTerms.map(() => `(${branch})`).join(' UNION ')}) u ` +
      'ORDER BY u.case_id DESC LIMIT ?',
    parameters: [...driverTerms.flatMap((term) => [term, ...where.parameters, limit]), limit],
  };
}

/**
 * The page itself: `columns` of case `c` for the ids `ids` selects (one of termSearchSql's), in
 * the same statement, so a search costs one round trip for its page instead of two.
 */
export function caseRowsOf(ids: SearchSql, columns: string): SearchSql {
  return {
    sql: `SELECT ${columns} FROM (${ids.sql}) x STRAIGHT_JOIN case_record c ON c.id = x.case_id ORDER BY c.id DESC`,
    parameters: ids.parameters,
  };
}
