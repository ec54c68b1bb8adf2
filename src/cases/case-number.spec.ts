import { formatCaseNumber, formatDocumentNumber } from './case-number.js';
import { assertCaseTransition } from './case-status.js';

describe('case numbers', () => {
  it('pads the sequence to four digits', () => {
    expect(formatCaseNumber('KS', 2021, 486)).toBe('KS 2021/0486');
    expect(formatCaseNumber('SFN', 2026, 1)).toBe('SFN 2026/0001');
  });

  it('grows past 9999 instead of wrapping', () => {
    expect(formatCaseNumber('KS', 2026, 12345)).toBe('KS 2026/12345');
  });

  it('numbers documents within the case', () => {
    expect(formatDocumentNumber('KS 2021/0486', 3)).toBe('KS 2021/0486-3');
  });
});

describe('case status transitions', () => {
  it('allows closing an open case and reopening a closed one', () => {
    expect(() => assertCaseTransition('open', 'closed')).not.toThrow();
    expect(() => assertCaseTransition('closed', 'open')).not.toThrow();
  });

  it('refuses closing a closed case with 409', () => {
    expect(() => assertCaseTransition('closed', 'closed')).toThrow(
      expect.objectContaining({ status: 409, code: 'invalid_transition' }),
    );
    expect(() => assertCaseTransition('open', 'open')).toThrow(
      'A case that is open cannot become open',
    );
  });
});
