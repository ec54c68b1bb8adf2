import { DEFAULT_REMINDER_POLICY } from '../referral-rounds/round-rules.js';
import { planReminders } from './reminder-policy.js';

const plan = (deadline: string, policy = DEFAULT_REMINDER_POLICY) =>
  planReminders(policy, deadline, 'Europe/Stockholm').map((reminder) => [
    reminder.kind,
    reminder.day,
    reminder.dueAt.toISOString(),
  ]);

describe('planReminders', () => {
  it('plans 7 and 1 days before and 1 day after at 08:00 Stockholm time', () => {
    // Thursday 20 August 2026; summer time, so 08:00 is 06:00 UTC.
    expect(plan('2026-08-20')).toEqual([
      ['before:7', '2026-08-13', '2026-08-13T06:00:00.000Z'],
      ['before:1', '2026-08-19', '2026-08-19T06:00:00.000Z'],
      ['overdue:1', '2026-08-21', '2026-08-21T06:00:00.000Z'],
    ]);
  });

  it('moves a reminder off a weekend: before to the Friday, overdue to the Monday', () => {
    // Monday 24 August: 1 day before is Sunday. Friday 21 August: 1 day after is Saturday.
    expect(plan('2026-08-24')[1]).toEqual(['before:1', '2026-08-21', '2026-08-21T06:00:00.000Z']);
    expect(plan('2026-08-21')[2]).toEqual(['overdue:1', '2026-08-24', '2026-08-24T06:00:00.000Z']);
  });

  it('moves reminders off midsommar, Christmas, New Year and Easter', () => {
    // Monday 22 June 2026: the day before is Sunday, then midsommardagen and midsommarafton.
    expect(plan('2026-06-22')[1]).toEqual(['before:1', '2026-06-18', '2026-06-18T06:00:00.000Z']);
    // Wednesday 23 December: the overdue notice skips julafton, juldagen, annandag jul, Sunday.
    expect(plan('2026-12-23')[2]).toEqual(['overdue:1', '2026-12-28', '2026-12-28T07:00:00.000Z']);
    // Wednesday 30 December: nyårsafton and nyårsdagen, then a weekend.
    expect(plan('2026-12-30')[2]).toEqual(['overdue:1', '2027-01-04', '2027-01-04T07:00:00.000Z']);
    // Thursday 2 April 2026: långfredagen, påskafton, påskdagen, annandag påsk.
    expect(plan('2026-04-02')[2]).toEqual(['overdue:1', '2026-04-07', '2026-04-07T06:00:00.000Z']);
    // Tuesday 7 April: the day before is annandag påsk; skärtorsdagen is a working day.
    expect(plan('2026-04-07')[1]).toEqual(['before:1', '2026-04-02', '2026-04-02T06:00:00.000Z']);
  });

  it('keeps the hour across the change to summer time', () => {
    const policy = { daysBefore: [1], overdueDaysAfter: [], hour: 9 };
    // Monday 30 March 2026: 1 day before is Sunday 29 March (clocks change), moved to Friday 27.
    expect(plan('2026-03-30', policy)).toEqual([
      ['before:1', '2026-03-27', '2026-03-27T08:00:00.000Z'],
    ]);
    expect(plan('2026-03-31', policy)).toEqual([
      ['before:1', '2026-03-30', '2026-03-30T07:00:00.000Z'],
    ]);
  });

  it('makes one reminder of two that land on the same day, and none for an empty policy', () => {
    // Monday 24 August: 1 and 2 days before are Sunday and Saturday, both moved to Friday.
    const policy = { daysBefore: [2, 1], overdueDaysAfter: [1, 2], hour: 8 };
    expect(plan('2026-08-24', policy).map(([kind, day]) => `${kind} ${day}`)).toEqual([
      'before:2 2026-08-21',
      'overdue:1 2026-08-25',
      'overdue:2 2026-08-26',
    ]);
    expect(plan('2026-08-24', { daysBefore: [], overdueDaysAfter: [], hour: 8 })).toEqual([]);
  });
});
