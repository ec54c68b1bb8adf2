import { withoutRemissPrefix } from '../common/templates.js';
import { consulteeCaseTitle } from './consultee-cases.service.js';

describe("the consultee's own case", () => {
  it('is titled Remiss: <title> (<sender case number>), never saying Remiss twice', () => {
    expect(consulteeCaseTitle('Förslag till strategi', 'KS 2021/0486')).toBe(
      'Remiss: Förslag till strategi (KS 2021/0486)',
    );
    expect(consulteeCaseTitle('Remiss: Förslag till strategi', 'KS 2021/0486')).toBe(
      'Remiss: Förslag till strategi (KS 2021/0486)',
    );
    expect(consulteeCaseTitle('remiss – Detaljplan för Norrliden', 'SBN 2026/0007')).toBe(
      'Remiss: Detaljplan för Norrliden (SBN 2026/0007)',
    );
  });

  it('keeps a title where Remiss is not a prefix, and stays within 500 characters', () => {
    expect(withoutRemissPrefix('Remissrunda om taxor')).toBe('Remissrunda om taxor');
    expect(consulteeCaseTitle('x'.repeat(600), 'KS 2026/0001')).toHaveLength(500);
  });
});
