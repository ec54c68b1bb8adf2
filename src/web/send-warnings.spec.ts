import { swedishWarnings } from './send-warnings.js';

describe('the new-round page’s warnings before sending', () => {
  it('names a weekend, a holiday and a short time in Swedish, by the send’s own rules', () => {
    // 2027-06-06 is nationaldagen, a Sunday; 2027-06-05 a Saturday; 2027-06-07 a Monday.
    expect(swedishWarnings('2027-06-05', '2027-01-04')).toEqual([
      'Sista svarsdag 2027-06-05 är en lördag, inte en arbetsdag.',
    ]);
    expect(swedishWarnings('2027-06-06', '2027-01-04')).toEqual([
      'Sista svarsdag 2027-06-06 är en helgdag (nationaldagen, en söndag), inte en arbetsdag.',
    ]);
    expect(swedishWarnings('2027-06-07', '2027-05-31')).toEqual([
      'Svarstiden är bara 7 dagar. Minst 21 dagar rekommenderas.',
    ]);
    expect(swedishWarnings('2027-06-07', '2027-05-17')).toEqual([]);
  });
});
