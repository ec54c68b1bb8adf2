import { DomainError } from '../common/domain-error.js';
import { assertMeetingTransition, canTransition, sequenceYear } from './meeting-status.js';

describe('meeting status', () => {
  it('goes planned → held → adjusted, and a planned meeting may be adjusted directly', () => {
    expect(canTransition('planned', 'held')).toBe(true);
    expect(canTransition('held', 'adjusted')).toBe(true);
    expect(canTransition('planned', 'adjusted')).toBe(true);
    expect(canTransition('held', 'planned')).toBe(false);
    expect(canTransition('adjusted', 'held')).toBe(false);
  });

  it('refuses any change of an adjusted meeting with meeting_adjusted', () => {
    expect(() => assertMeetingTransition('adjusted', 'adjusted')).toThrow(DomainError);
    try {
      assertMeetingTransition('adjusted', 'held');
    } catch (error) {
      expect((error as DomainError).code).toBe('meeting_adjusted');
    }
    expect.assertions(2);
  });

  it('numbers by the meeting year, or in one sequence (0) when never reset', () => {
    expect(sequenceYear('yearly', '2021-05-21')).toBe(2021);
    expect(sequenceYear('yearly', '2027-01-03')).toBe(2027);
    expect(sequenceYear('continuous', '2021-05-21')).toBe(0);
  });
});
