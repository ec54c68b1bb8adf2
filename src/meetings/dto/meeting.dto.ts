import { ApiProperty } from '@nestjs/swagger';
import { MEETING_STATUSES, type MeetingStatus } from '../meeting-status.js';
import type { Meeting, MeetingItem } from '../meeting.entity.js';
import type { NoticeDates } from '../appeal-period.js';

export class SendToEntryDto {
  @ApiProperty({ nullable: true, type: Number, example: 4 })
  organisationId: number | null;

  @ApiProperty({ example: 'Servicenämnden' })
  name: string;
}

export class ItemDto {
  @ApiProperty({ example: 31 })
  id: number;

  @ApiProperty({ example: 7 })
  meetingId: number;

  @ApiProperty({ example: 19, description: 'The § number' })
  paragraph: number;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Strategi för etnisk och kulturell inkludering – beslut om remiss',
    description: 'null when withheld (confidential)',
  })
  title: string | null;

  @ApiProperty({ nullable: true, type: Number })
  caseId: number | null;

  @ApiProperty({ nullable: true, type: String, example: 'KS 2026/0012' })
  caseNumber: string | null;

  @ApiProperty({ nullable: true, type: String })
  documents: string | null;

  @ApiProperty({ nullable: true, type: String })
  background: string | null;

  @ApiProperty({ nullable: true, type: String })
  proposals: string | null;

  @ApiProperty({ nullable: true, type: String })
  decisionProcess: string | null;

  @ApiProperty({ nullable: true, type: String })
  deliberation: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'null when withheld (confidential)' })
  decision: string | null;

  @ApiProperty({ nullable: true, type: String })
  reservations: string | null;

  @ApiProperty({ type: [SendToEntryDto] })
  sendTo: SendToEntryDto[];

  @ApiProperty({ description: 'Adjusted (justerad): locked, and its extract is final' })
  adjusted: boolean;

  @ApiProperty({
    description:
      'true when the texts are withheld from this user (a paragraph on a confidential case)',
  })
  redacted: boolean;

  @ApiProperty({ nullable: true, type: String, example: '2026-05-25' })
  adjustedOn: string | null;

  @ApiProperty({ description: 'Adjusted at once (omedelbar justering)' })
  adjustedImmediately: boolean;

  @ApiProperty({ nullable: true, type: Number, description: 'The registered final extract' })
  extractDocumentId: number | null;

  @ApiProperty({ example: 1 })
  version: number;

  @ApiProperty()
  createdAt: string;

  @ApiProperty()
  updatedAt: string;

  /** The paragraph; with `redacted` only its number, case and state (who may see is decided by the caller). */
  static from(item: MeetingItem, caseNumber: string | null, redacted = false): ItemDto {
    const shown = <T>(value: T): T | null => (redacted ? null : value);
    return {
      id: item.id,
      meetingId: item.meetingId,
      paragraph: item.paragraph,
      title: shown(item.title),
      caseId: item.caseId,
      caseNumber,
      documents: shown(item.documents),
      background: shown(item.background),
      proposals: shown(item.proposals),
      decisionProcess: shown(item.decisionProcess),
      deliberation: shown(item.deliberation),
      decision: shown(item.decision),
      reservations: shown(item.reservations),
      sendTo: redacted ? [] : item.sendTo,
      adjusted: item.adjustedOn !== null,
      redacted,
      adjustedOn: item.adjustedOn,
      adjustedImmediately: item.adjustedImmediately,
      extractDocumentId: item.extractDocumentId,
      version: item.version,
      createdAt: item.createdAt.toISOString(),
      updatedAt: item.updatedAt.toISOString(),
    };
  }
}

export class MeetingDto {
  @ApiProperty({ example: 7 })
  id: number;

  @ApiProperty({ example: 2 })
  organisationId: number;

  @ApiProperty({ example: 'Kommunstyrelsens arbetsutskott' })
  organisationName: string;

  @ApiProperty({ example: '2026-05-21' })
  date: string;

  @ApiProperty({ nullable: true, type: String, example: '08:30' })
  startsAt: string | null;

  @ApiProperty({ nullable: true, type: String })
  place: string | null;

  @ApiProperty({ nullable: true, type: String })
  chair: string | null;

  @ApiProperty({ nullable: true, type: String })
  secretary: string | null;

  @ApiProperty({ type: [String] })
  adjusters: string[];

  @ApiProperty({ type: [String] })
  present: string[];

  @ApiProperty({ nullable: true, type: String })
  keptAt: string | null;

  @ApiProperty({ enum: MEETING_STATUSES })
  status: MeetingStatus;

  @ApiProperty({ nullable: true, type: String, description: 'Justeringsdatum' })
  adjustedOn: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The day the notice went up' })
  noticePostedOn: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Last day to appeal (three weeks after posting, moved off weekends and holidays)',
  })
  lastAppealDay: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The day the notice comes down' })
  noticeRemovedOn: string | null;

  @ApiProperty({ example: 1 })
  version: number;

  @ApiProperty()
  createdAt: string;

  @ApiProperty()
  updatedAt: string;

  static from(meeting: Meeting, organisationName: string, notice: NoticeDates | null): MeetingDto {
    return {
      id: meeting.id,
      organisationId: meeting.organisationId,
      organisationName,
      date: meeting.date,
      startsAt: meeting.startsAt,
      place: meeting.place,
      chair: meeting.chair,
      secretary: meeting.secretary,
      adjusters: meeting.adjusters,
      present: meeting.present,
      keptAt: meeting.keptAt,
      status: meeting.status,
      adjustedOn: meeting.adjustedOn,
      noticePostedOn: meeting.noticePostedOn,
      lastAppealDay: notice?.lastAppealDay ?? null,
      noticeRemovedOn: notice?.removedOn ?? null,
      version: meeting.version,
      createdAt: meeting.createdAt.toISOString(),
      updatedAt: meeting.updatedAt.toISOString(),
    };
  }
}

export class MeetingDetailDto extends MeetingDto {
  @ApiProperty({ type: [ItemDto], description: 'Its paragraphs in § order' })
  items: ItemDto[];
}

export class MeetingPageDto {
  @ApiProperty({ type: [MeetingDto] })
  items: MeetingDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}

export class DispatchEntryDto {
  @ApiProperty()
  organisationId: number;

  @ApiProperty()
  organisationName: string;

  @ApiProperty({ example: 'KS 2026/0012-4' })
  documentNumber: string;

  @ApiProperty({ description: 'False when it had been dispatched to this organisation before' })
  queued: boolean;
}

export class DispatchResultDto {
  @ApiProperty({ type: [DispatchEntryDto] })
  items: DispatchEntryDto[];
}

export class ParagraphSequenceResultDto {
  @ApiProperty()
  organisationId: number;

  @ApiProperty({ nullable: true, type: Number, description: 'null when numbering never resets' })
  year: number | null;

  @ApiProperty({ example: 120 })
  next: number;
}
