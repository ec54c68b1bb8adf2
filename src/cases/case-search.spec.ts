import { searchCondition } from './case-search.js';

describe('searchCondition', () => {
  it('uses the full-text index for whole words, as mandatory prefixes', () => {
    expect(searchCondition('c', 'strategi inkludering')).toEqual({
      sql: 'MATCH(c.title, c.description) AGAINST (:ft IN BOOLEAN MODE)',
      parameters: { ft: '+strategi* +inkludering*' },
    });
  });

  it('strips boolean operators so user input cannot change the query', () => {
    expect(searchCondition('c', '-"strategi" (för)*').parameters).toEqual({
      ft: '+strategi* +för*',
    });
  });

  it('falls back to LIKE for case numbers and short fragments', () => {
    expect(searchCondition('c', 'KS 2021/0486')).toEqual({
      sql: '(c.case_number LIKE :like OR c.title LIKE :like OR c.description LIKE :like)',
      parameters: { like: '%KS 2021/0486%' },
    });
    expect(searchCondition('c', 'IT 50%').parameters).toEqual({ like: '%IT 50\\%%' });
  });
});
