import { describeSelection } from './selection-text.js';

describe('describeSelection', () => {
  it('says in Swedish which closed cases an export holds', () => {
    expect(describeSelection({ series: 'KS' }, 1_000)).toBe(
      'Diarieserie KS: 1000 avslutade ärenden',
    );
    expect(describeSelection({ caseIds: [4, 7] }, 1)).toBe('Utvalda ärenden: 1 avslutat ärende');
    expect(
      describeSelection({ series: 'SFN', closedFrom: '2026-01-01', closedTo: '2026-12-31' }, 12),
    ).toBe('Diarieserie SFN, avslutade 2026-01-01–2026-12-31: 12 avslutade ärenden');
    expect(describeSelection({ closedTo: '2025-12-31' }, 3)).toBe(
      'Avslutade till och med 2025-12-31: 3 avslutade ärenden',
    );
  });
});
