import { addDays, workingDayOnOrAfter } from '../common/working-days.js';

export interface NoticeDates {
  /** The last day an appeal (laglighetsprövning) may reach the court. */
  lastAppealDay: string;
  /** The notice stays up for the whole appeal time and comes down the day after. */
  removedOn: string;
}

/**
 * Three weeks from the day the adjustment was posted on the notice board (KL 13 kap. 5 §); a
 * period ending on a Saturday, Sunday, public holiday, midsommarafton, julafton or nyårsafton
 * runs to the next working day (lag (1930:173) om beräkning av lagstadgad tid).
 */
export function noticeDates(postedOn: string): NoticeDates {
  const lastAppealDay = workingDayOnOrAfter(addDays(postedOn, 21));
  return { lastAppealDay, removedOn: addDays(lastAppealDay, 1) };
}
