import { DomainError } from '../common/domain-error.js';
import type { ParagraphNumbering } from '../organisations/paragraph-numbering.js';

export const MEETING_STATUSES = ['planned', 'held', 'adjusted'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

/** planned → held → adjusted (justerat); a planned meeting may be adjusted at once. */
const TRANSITIONS: Record<MeetingStatus, readonly MeetingStatus[]> = {
  planned: ['held', 'adjusted'],
  held: ['adjusted'],
  adjusted: [],
};

export function canTransition(from: MeetingStatus, to: MeetingStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertMeetingTransition(from: MeetingStatus, to: MeetingStatus): void {
  if (!canTransition(from, to)) {
    throw from === 'adjusted'
      ? DomainError.conflict('meeting_adjusted', 'The meeting is adjusted; its minutes are locked')
      : DomainError.conflict(
          'invalid_transition',
          `The meeting is ${from} and cannot become ${to}`,
        );
  }
}

/** The sequence a § number is taken from: the meeting's calendar year, or 0 when never reset. */
export function sequenceYear(numbering: ParagraphNumbering, meetingDate: string): number {
  return numbering === 'continuous' ? 0 : Number(meetingDate.slice(0, 4));
}
