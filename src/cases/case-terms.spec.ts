import { caseTerms, MAX_TERM, wordsOf } from './case-terms.js';

describe('case terms', () => {
  it('keeps distinct lower-cased words of three letters or more, without digits', () => {
    expect(
      caseTerms(
        'Ansökan om bygglov för IT-drift på Ekorren 12:3',
        'Ärendet avser BYGGLOV och ärendet, år 2026. Å',
      ),
    ).toEqual(['ansökan', 'bygglov', 'för', 'drift', 'ekorren', 'ärendet', 'avser', 'och']);
  });

  it('keeps å, ä and ö as they are written', () => {
    expect(caseTerms('Åtgärder på Öland och Ärla', null)).toEqual([
      'åtgärder',
      'öland',
      'och',
      'ärla',
    ]);
  });

  it('composes decomposed letters and cuts very long words to the column width', () => {
    expect(wordsOf('A\u030Atgärd')).toEqual(['åtgärd']);
    const long = 'x'.repeat(MAX_TERM + 10);
    expect(caseTerms(long, null)).toEqual(['x'.repeat(MAX_TERM)]);
  });
});
