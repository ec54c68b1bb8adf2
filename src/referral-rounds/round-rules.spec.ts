import { deadlineWarnings, isOverdue, summarise } from './round-rules.js';

describe('isOverdue', () => {
  it('is overdue only once the whole deadline day has passed without an answer', () => {
    expect(isOverdue({ status: 'sent', deadline: '2026-08-20' }, '2026-08-20')).toBe(false);
    expect(isOverdue({ status: 'sent', deadline: '2026-08-20' }, '2026-08-21')).toBe(true);
  });

  it('never counts answered, declined, failed or unsent recipients as overdue', () => {
    for (const status of ['answered', 'declined', 'failed', 'pending'] as const) {
      expect(isOverdue({ status, deadline: '2026-08-20' }, '2026-09-01')).toBe(false);
    }
  });
});

describe('summarise', () => {
  it('counts every recipient exactly once', () => {
    const counts = summarise(
      [
        { status: 'answered', deadline: '2026-08-20' },
        { status: 'declined', deadline: '2026-08-20' },
        { status: 'failed', deadline: '2026-08-20' },
        { status: 'sent', deadline: '2026-08-20' },
        { status: 'sent', deadline: '2026-09-10' }, // extended: not yet due
        { status: 'pending', deadline: '2026-08-20' },
      ],
      '2026-08-25',
    );
    expect(counts).toEqual({
      total: 6,
      answered: 1,
      declined: 1,
      failed: 1,
      overdue: 1,
      pending: 2,
    });
  });
});

describe('deadlineWarnings', () => {
  it('names the holiday a deadline falls on', () => {
    expect(deadlineWarnings('2026-06-19', '2026-05-01')).toEqual([
      {
        code: 'deadline_not_working_day',
        message: 'The deadline 2026-06-19 falls on midsommarafton, not a working day',
      },
    ]);
  });

  it('names a weekend day and warns about fewer than 21 days', () => {
    expect(deadlineWarnings('2026-08-22', '2026-08-10')).toEqual([
      {
        code: 'deadline_not_working_day',
        message: 'The deadline 2026-08-22 falls on lördag, not a working day',
      },
      {
        code: 'short_deadline',
        message: 'The deadline gives 12 days to answer; at least 21 are recommended',
      },
    ]);
  });

  it('has nothing to say about a working day three weeks or more ahead', () => {
    expect(deadlineWarnings('2026-08-20', '2026-07-30')).toEqual([]);
    expect(deadlineWarnings('2026-08-20', '2026-07-31')).toHaveLength(1);
  });
});
