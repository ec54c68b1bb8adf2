import type { EntityManager } from 'typeorm';

// The words of a case's title and description, one row per (term, case) in case_search_term, so a
// search reads one word's cases newest first and stops after a page. Terms are lower-cased whole
// words of letters only, at least MIN_TERM long; the column's Swedish collation compares them
// case-insensitively with å/ä/ö distinct. Text with digits and shorter fragments are searched on
// case_record itself (see case-search.ts), so they need no terms.

/** The shortest word kept as a term (and the shortest word searched through the terms). */
export const MIN_TERM = 3;
/** The width of case_search_term.term; longer words are kept (and searched) by this prefix. */
export const MAX_TERM = 64;

const WORD_SEPARATOR = /[^\p{L}\p{M}\p{N}]+/u;
const DIGIT = /\p{N}/u;

/** The words of a text as terms would hold them: lower-cased, NFC, cut to MAX_TERM characters. */
export function wordsOf(text: string): string[] {
  return text
    .normalize('NFC')
    .toLocaleLowerCase('sv-SE')
    .split(WORD_SEPARATOR)
    .filter(Boolean)
    .map((word) => Array.from(word).slice(0, MAX_TERM).join(''));
}

/** The distinct terms of a case's title and description. */
export function caseTerms(title: string, description: string | null): string[] {
  const words = wordsOf(`${title} ${description ?? ''}`);
  return [
    ...new Set(words.filter((word) => Array.from(word).length >= MIN_TERM && !DIGIT.test(word))),
  ];
}

/** Adds the terms of a new case, inside the transaction that inserts it. */
export async function insertTerms(
  manager: EntityManager,
  caseId: number,
  terms: readonly string[],
): Promise<void> {
  if (terms.length === 0) return;
  // Two spellings the collation holds equal (e.g. "ü" and "y") are one term: keep the first.
  await manager.query(
    `INSERT INTO case_search_term (term, case_id) VALUES ${terms.map(() => '(?, ?)').join(', ')} ` +
      'ON DUPLICATE KEY UPDATE case_id = case_id',
    terms.flatMap((term) => [term, caseId]),
  );
}

/**
 * Gives a case the terms of its new title and description. All rows go and come back, because two
 * spellings the collation holds equal share one row.
 */
export async function replaceTerms(
  manager: EntityManager,
  caseId: number,
  terms: readonly string[],
): Promise<void> {
  await manager.query('DELETE FROM case_search_term WHERE case_id = ?', [caseId]);
  await insertTerms(manager, caseId, terms);
}
