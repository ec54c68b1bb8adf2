// Search over title, description and case number. Whole words of three letters or more go
// through the FULLTEXT index (prefix match, Swedish collation: case-insensitive, å/ä/ö distinct);
// anything else (digits, short fragments, case numbers) falls back to LIKE.

const BOOLEAN_OPERATORS = /[+\-<>()~*"@]/g;
const MIN_TOKEN = 3;

export interface SearchCondition {
  sql: string;
  parameters: Record<string, string>;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

export function searchCondition(alias: string, q: string): SearchCondition {
  const text = q.trim();
  const words = text.replace(BOOLEAN_OPERATORS, ' ').split(/\s+/).filter(Boolean);
  const fullText =
    words.length > 0 && !/\d/.test(text) && words.every((word) => word.length >= MIN_TOKEN);
  if (fullText) {
    return {
      sql: `MATCH(${alias}.title, ${alias}.description) AGAINST (:ft IN BOOLEAN MODE)`,
      parameters: { ft: words.map((word) => `+${word}*`).join(' ') },
    };
  }
  return {
    sql: `(${alias}.case_number LIKE :like OR ${alias}.title LIKE :like OR ${alias}.description LIKE :like)`,
    parameters: { like: `%${escapeLike(text)}%` },
  };
}
