import { noticeDates } from './appeal-period.js';

describe('the appeal period after the notice of adjustment (KL 13:5, lag 1930:173)', () => {
  it.each([
    // posted, last appeal day, notice down — with why
    ['2021-05-27', '2021-06-17', '2021-06-18'], // three weeks to a Thursday: no move
    ['2020-12-22', '2021-01-12', '2021-01-13'], // Strängnäs KF 2020-12-14: down 2021-01-13
    ['2026-12-03', '2026-12-28', '2026-12-29'], // julafton, juldagen, annandag, Sunday → Monday
    ['2026-05-29', '2026-06-22', '2026-06-23'], // 19 June is midsommarafton, then midsommardagen, Sunday
    ['2026-03-12', '2026-04-02', '2026-04-03'], // skärtorsdag is a working day
    ['2026-03-13', '2026-04-07', '2026-04-08'], // långfredag, påskafton, påskdagen, annandag påsk
    ['2026-12-10', '2027-01-04', '2027-01-05'], // nyårsafton, nyårsdagen, weekend → Monday
  ])('posted %s: last day %s, notice down %s', (posted, lastDay, down) => {
    expect(noticeDates(posted)).toEqual({ lastAppealDay: lastDay, removedOn: down });
  });

  it('moves a period ending on a Saturday to the Monday', () => {
    // 2026-11-07 is a Saturday; three weeks before is 2026-10-17.
    expect(noticeDates('2026-10-17').lastAppealDay).toBe('2026-11-09');
  });
});
