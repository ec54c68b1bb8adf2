import { caseRowsOf, planSearch, prefixPattern, termSearchSql } from './case-search.js';

describe('planSearch', () => {
  it('searches whole words of three letters or more through the terms, as prefixes', () => {
    expect(planSearch(' Strategi  INKLUDERING ')).toEqual({
      kind: 'terms',
      words: ['strategi', 'inkludering'],
    });
    expect(planSearch('ärende-hantering')).toEqual({
      kind: 'terms',
      words: ['ärende', 'hantering'],
    });
  });

  it('drops a word that starts another word of the query', () => {
    expect(planSearch('inkl inkludering etnisk')).toEqual({
      kind: 'terms',
      words: ['inkludering', 'etnisk'],
    });
  });

  it('looks a whole case number up by the number', () => {
    expect(planSearch('ks 2021/0486')).toEqual({ kind: 'number', caseNumber: 'KS 2021/0486' });
    expect(planSearch('SFN 2021/12345')).toEqual({
      kind: 'number',
      caseNumber: 'SFN 2021/12345',
    });
  });

  it('falls back to LIKE for fragments with digits and short words, escaped', () => {
    expect(planSearch('2021/04')).toEqual({ kind: 'like', like: '%2021/04%' });
    expect(planSearch('IT 50%')).toEqual({ kind: 'like', like: '%IT 50\\%%' });
    expect(planSearch('av')).toEqual({ kind: 'like', like: '%av%' });
  });
});

describe('termSearchSql', () => {
  it('reads one term newest first and stops after the page', () => {
    expect(termSearchSql(['inkludering'], [], { hideConfidential: false }, 51)).toEqual({
      sql:
        'SELECT STRAIGHT_JOIN t.case_id FROM case_search_term t WHERE t.term = ? ' +
        'ORDER BY t.case_id DESC LIMIT ?',
      parameters: ['inkludering', 51],
    });
  });

  it('merges the runs of a prefix and checks the other words and the filters per case', () => {
    const { sql, parameters } = termSearchSql(
      ['inkludering', 'inkluderingen'],
      ['etn'],
      { hideConfidential: true, beforeId: 900, status: 'open' },
      11,
    );
    const branch =
      'SELECT STRAIGHT_JOIN t.case_id FROM case_search_term t JOIN case_record c ON c.id = t.case_id ' +
      'WHERE t.term = ? AND t.case_id < ? AND c.confidential = 0 AND c.status = ? ' +
      'AND (SELECT 1 FROM case_search_term o WHERE o.case_id = t.case_id AND o.term LIKE ? LIMIT 1) IS NOT NULL ' +
      'ORDER BY t.case_id DESC LIMIT ?';
    expect(sql).toBe(
      `SELECT u.case_id FROM ((${branch}) UNION (${branch})) u ORDER BY u.case_id DESC LIMIT ?`,
    );
    expect(parameters).toEqual([
      'inkludering',
      900,
      'open',
      'etn%',
      11,
      'inkluderingen',
      900,
      'open',
      'etn%',
      11,
      11,
    ]);
  });

  it('reads the cases newest first when every word is a common prefix', () => {
    expect(termSearchSql(null, ['för', 'ny'], { hideConfidential: true }, 51)).toEqual({
      sql:
        'SELECT c.id AS case_id FROM case_record c WHERE 1 = 1 AND c.confidential = 0 ' +
        'AND (SELECT 1 FROM case_search_term o WHERE o.case_id = c.id AND o.term LIKE ? LIMIT 1) IS NOT NULL ' +
        'AND (SELECT 1 FROM case_search_term o WHERE o.case_id = c.id AND o.term LIKE ? LIMIT 1) IS NOT NULL ' +
        'ORDER BY c.id DESC LIMIT ?',
      parameters: ['för%', 'ny%', 51],
    });
  });

  it('escapes LIKE wildcards in a prefix', () => {
    expect(prefixPattern('a_b%')).toBe('a\\_b\\%%');
  });
});

describe('caseRowsOf', () => {
  it('loads the page’s columns in the statement that finds its ids, newest first', () => {
    expect(
      caseRowsOf(
        termSearchSql(['inkludering'], [], { hideConfidential: false }, 51),
        'c.id, c.title',
      ),
    ).toEqual({
      sql:
        'SELECT c.id, c.title FROM (SELECT STRAIGHT_JOIN t.case_id FROM case_search_term t ' +
        'WHERE t.term = ? ORDER BY t.case_id DESC LIMIT ?) x ' +
        'STRAIGHT_JOIN case_record c ON c.id = x.case_id ORDER BY c.id DESC',
      parameters: ['inkludering', 51],
    });
  });
});
