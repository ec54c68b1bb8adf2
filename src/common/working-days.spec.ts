import {
  addDays,
  daysBetween,
  holidayOn,
  isWeekend,
  isWorkingDay,
  nonWorkingReason,
  weekdayName,
  workingDayOnOrAfter,
  workingDayOnOrBefore,
} from './working-days.js';

describe('working days', () => {
  it('treats an ordinary weekday as a working day and returns it from both directions', () => {
    expect(isWorkingDay('2026-11-24')).toBe(true);
    expect(isWeekend('2026-11-24')).toBe(false);
    expect(holidayOn('2026-11-24')).toBeNull();
    expect(nonWorkingReason('2026-11-24')).toBeNull();
    expect(workingDayOnOrBefore('2026-11-24')).toBe('2026-11-24');
    expect(workingDayOnOrAfter('2026-11-24')).toBe('2026-11-24');
  });

  describe('midsommar 2026', () => {
    it('makes midsommarafton (a Friday) a day off', () => {
      expect(holidayOn('2026-06-19')).toEqual({ day: '2026-06-19', name: 'midsommarafton' });
      expect(isWeekend('2026-06-19')).toBe(false);
      expect(isWorkingDay('2026-06-19')).toBe(false);
      expect(nonWorkingReason('2026-06-19')).toBe('midsommarafton');
    });

    it('gives the holiday name when a holiday falls on a Saturday', () => {
      expect(isWeekend('2026-06-20')).toBe(true);
      expect(nonWorkingReason('2026-06-20')).toBe('midsommardagen');
    });

    it('moves to Thursday before and Monday after', () => {
      expect(workingDayOnOrBefore('2026-06-19')).toBe('2026-06-18');
      expect(workingDayOnOrAfter('2026-06-19')).toBe('2026-06-22');
    });
  });

  describe('jul and nyår 2026', () => {
    it('makes julafton a day off and skips juldagen, annandag jul and Sunday', () => {
      expect(nonWorkingReason('2026-12-24')).toBe('julafton');
      expect(nonWorkingReason('2026-12-25')).toBe('juldagen');
      expect(nonWorkingReason('2026-12-26')).toBe('annandag jul');
      expect(nonWorkingReason('2026-12-27')).toBe('söndag');
      expect(workingDayOnOrBefore('2026-12-24')).toBe('2026-12-23');
      expect(workingDayOnOrAfter('2026-12-24')).toBe('2026-12-28');
    });

    it('skips nyårsafton, nyårsdagen and the following weekend into 2027', () => {
      expect(nonWorkingReason('2026-12-31')).toBe('nyårsafton');
      expect(nonWorkingReason('2027-01-01')).toBe('nyårsdagen');
      expect(workingDayOnOrBefore('2026-12-31')).toBe('2026-12-30');
      expect(workingDayOnOrAfter('2026-12-31')).toBe('2027-01-04');
    });
  });

  describe('påsk 2026', () => {
    it('knows långfredagen, påskdagen and annandag påsk', () => {
      expect(nonWorkingReason('2026-04-03')).toBe('långfredagen');
      expect(nonWorkingReason('2026-04-05')).toBe('påskdagen');
      expect(nonWorkingReason('2026-04-06')).toBe('annandag påsk');
    });

    it('ignores the påskafton observance, which is a Saturday anyway', () => {
      expect(holidayOn('2026-04-04')).toBeNull();
      expect(nonWorkingReason('2026-04-04')).toBe('lördag');
    });

    it('keeps skärtorsdagen as a working day', () => {
      expect(isWorkingDay('2026-04-02')).toBe(true);
      expect(workingDayOnOrAfter('2026-04-03')).toBe('2026-04-07');
      expect(workingDayOnOrBefore('2026-04-06')).toBe('2026-04-02');
    });
  });

  it('treats Luciadagen as a working day', () => {
    expect(weekdayName('2027-12-13')).toBe('måndag');
    expect(holidayOn('2027-12-13')).toBeNull();
    expect(isWorkingDay('2027-12-13')).toBe(true);
  });

  it('gives lördag and söndag for a weekend and moves a Saturday back to Friday', () => {
    expect(isWeekend('2026-08-22')).toBe(true);
    expect(isWorkingDay('2026-08-22')).toBe(false);
    expect(nonWorkingReason('2026-08-22')).toBe('lördag');
    expect(nonWorkingReason('2026-08-23')).toBe('söndag');
    expect(workingDayOnOrBefore('2026-08-22')).toBe('2026-08-21');
    expect(workingDayOnOrAfter('2026-08-22')).toBe('2026-08-24');
  });
});

describe('calendar arithmetic', () => {
  it('adds days across a year boundary and backwards', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2027-01-02', -3)).toBe('2026-12-30');
    expect(addDays('2026-11-23', 0)).toBe('2026-11-23');
  });

  it('handles leap years', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2028-02-29', 1)).toBe('2028-03-01');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
  });

  it('is not thrown off by summer time', () => {
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
    expect(daysBetween('2026-03-01', '2026-11-01')).toBe(245);
  });

  it('counts the days between two days, negative when `to` is earlier', () => {
    expect(daysBetween('2026-11-23', '2026-12-14')).toBe(21);
    expect(daysBetween('2026-12-14', '2026-11-23')).toBe(-21);
    expect(daysBetween('2026-12-31', '2027-01-01')).toBe(1);
  });

  it('names the weekdays in Swedish', () => {
    expect(weekdayName('2026-11-23')).toBe('måndag');
    expect(weekdayName('2026-11-27')).toBe('fredag');
    expect(weekdayName('2026-11-29')).toBe('söndag');
  });

  it('refuses days that are not written YYYY-MM-DD or do not exist', () => {
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => isWorkingDay('2026-6-19')).toThrow(RangeError);
  });
});
