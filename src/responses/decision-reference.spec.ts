import { caseNumberParts, normaliseCaseNumber, normaliseParagraph } from './decision-reference.js';

describe('normaliseParagraph', () => {
  it.each([
    ['§ 45', '45'],
    ['45 §', '45'],
    ['§45', '45'],
    ['45', '45'],
    ['  §  45  ', '45'],
    ['45§', '45'],
    ['§ 087', '87'],
    ['87 a', '87 a'],
    ['§ 87A', '87 a'],
    ['87 a §', '87 a'],
    ['2026:45', '2026:45'],
    ['§ 2026:45', '2026:45'],
  ])('reads %p as %p', (written, stored) => {
    expect(normaliseParagraph(written)).toBe(stored);
  });

  it('reads blanks and a bare § as nothing', () => {
    expect(normaliseParagraph('  ')).toBeNull();
    expect(normaliseParagraph('§')).toBeNull();
  });
});

describe('normaliseCaseNumber', () => {
  const known = (series: string) => ['SFN', 'KS'].includes(series);

  it.each([
    ['SFN 2021/130', 'SFN 2021/0130'],
    ['SFN 2021/0130', 'SFN 2021/0130'],
    ['sfn 2021/130', 'SFN 2021/0130'],
    ['SFN  2021 / 130', 'SFN 2021/0130'],
    ['SFN2021/130', 'SFN 2021/0130'],
    ['KS 2021/12345', 'KS 2021/12345'],
  ])('writes %p in a known series as %p', (written, stored) => {
    expect(normaliseCaseNumber(written, known)).toBe(stored);
  });

  it('keeps a number in an unknown series, or in another shape, as written', () => {
    expect(normaliseCaseNumber('MBN 2021/130', known)).toBe('MBN 2021/130');
    expect(normaliseCaseNumber('Dnr  2021.130', known)).toBe('Dnr 2021.130');
    expect(normaliseCaseNumber(' ', known)).toBeNull();
  });

  it('splits a case number into its parts', () => {
    expect(caseNumberParts('sfn 2021/0130')).toEqual({ series: 'SFN', year: 2021, sequence: 130 });
    expect(caseNumberParts('SFN 2021/0000')).toBeNull();
  });
});
