import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
  registerDecorator,
  ValidateIf,
  type ValidationOptions,
} from 'class-validator';
import { IsCalendarDay } from '../../common/calendar-day.js';
import { IsNameList, IsText, textProblem, tidyText } from '../../common/text.js';
import { PageQueryDto } from '../../common/pagination.js';
import { MEETING_STATUSES, type MeetingStatus } from '../meeting-status.js';

const NAME = 200;
const present = (_: unknown, value: unknown) => value !== null && value !== undefined;

/** Expedieras till: each entry an organisation id (a positive integer) or a name. */
function IsSendToList(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isSendToList',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `${String(propertyName)} must be a list of organisation ids or names (at most 50, each name 1–200 characters)`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) &&
          value.length <= 50 &&
          value.every(
            (entry) =>
              (typeof entry === 'number' && Number.isInteger(entry) && entry > 0) ||
              (typeof entry === 'string' &&
                entry.trim() !== '' &&
                textProblem('', tidyText(entry, { line: true }), { max: NAME, line: true }) ===
                  null),
          ),
      },
    });
}

export class CreateMeetingDto {
  @ApiProperty({ example: 1, description: 'The organ that meets (nämnd, utskott, styrelse)' })
  @IsInt()
  @Min(1)
  organisationId: number;

  @ApiProperty({ example: '2026-05-21', description: 'Sammanträdesdatum' })
  @IsCalendarDay()
  date: string;

  @ApiPropertyOptional({ example: '08:30', nullable: true, description: 'HH:MM, local time' })
  @ValidateIf(present)
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'startsAt must be a time written HH:MM' })
  startsAt?: string | null;

  @ApiPropertyOptional({ example: 'Stadshuset, sal Kalmarsund', nullable: true })
  @IsText({ max: NAME, line: true, nullable: true })
  place?: string | null;

  @ApiPropertyOptional({ example: 'Johan Persson', nullable: true, description: 'Ordförande' })
  @IsText({ max: NAME, line: true, nullable: true })
  chair?: string | null;

  @ApiPropertyOptional({ example: 'Anna Lind', nullable: true, description: 'Sekreterare' })
  @IsText({ max: NAME, line: true, nullable: true })
  secretary?: string | null;

  @ApiPropertyOptional({
    type: [String],
    example: ['Carl-Henrik Sölvinger'],
    description: 'Justerare',
  })
  @IsOptional()
  @IsNameList(10, NAME)
  adjusters?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Beslutande and others present' })
  @IsOptional()
  @IsNameList(100, NAME)
  present?: string[];

  @ApiPropertyOptional({
    example: 'Kommunledningskontoret, Stadshuset',
    nullable: true,
    description: 'Förvaringsplats för protokollet',
  })
  @IsText({ max: NAME, line: true, nullable: true })
  keptAt?: string | null;
}

/** Every field optional; `null` clears the optional ones. Only before adjustment. */
export class UpdateMeetingDto {
  @ApiPropertyOptional({ example: '2026-05-21' })
  @IsOptional()
  @IsCalendarDay()
  date?: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @ValidateIf(present)
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'startsAt must be a time written HH:MM' })
  startsAt?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsText({ max: NAME, line: true, nullable: true })
  place?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsText({ max: NAME, line: true, nullable: true })
  chair?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsText({ max: NAME, line: true, nullable: true })
  secretary?: string | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsNameList(10, NAME)
  adjusters?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsNameList(100, NAME)
  present?: string[];

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsText({ max: NAME, line: true, nullable: true })
  keptAt?: string | null;
}

export class MeetingQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'organisationId must be a whole number' })
  @Min(1)
  organisationId?: number;

  @ApiPropertyOptional({ example: '2026-01-01', description: 'Meetings on or after this day' })
  @IsOptional()
  @IsCalendarDay()
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Meetings on or before this day' })
  @IsOptional()
  @IsCalendarDay()
  to?: string;

  @ApiPropertyOptional({ enum: MEETING_STATUSES })
  @IsOptional()
  @IsIn(MEETING_STATUSES, { message: `status must be one of ${MEETING_STATUSES.join(', ')}` })
  status?: MeetingStatus;
}

export class AdjustMeetingDto {
  @ApiPropertyOptional({
    example: '2026-05-25',
    description: 'Justeringsdatum; today when absent. Not before the meeting, not in the future.',
  })
  @IsOptional()
  @IsCalendarDay()
  adjustedOn?: string;
}

export class NoticeDto {
  @ApiProperty({ example: '2026-05-26', description: 'The day the notice went up (anslag)' })
  @IsCalendarDay()
  postedOn: string;
}

const TEXTS = {
  documents: 10_000,
  background: 100_000,
  proposals: 20_000,
  decisionProcess: 20_000,
  deliberation: 100_000,
  decision: 50_000,
  reservations: 20_000,
} as const;

function OptionalText(max: number): PropertyDecorator {
  return IsText({ max, nullable: true });
}

export class CreateItemDto {
  @ApiProperty({ example: 'Strategi för etnisk och kulturell inkludering – beslut om remiss' })
  @IsText({ max: 500, line: true })
  title: string;

  @ApiPropertyOptional({ example: 12, nullable: true, description: 'The case (Dnr)' })
  @ValidateIf(present)
  @IsInt()
  @Min(1)
  caseId?: number | null;

  @ApiPropertyOptional({ nullable: true, description: 'Handlingar, one per line' })
  @OptionalText(TEXTS.documents)
  documents?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'Bakgrund' })
  @OptionalText(TEXTS.background)
  background?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'Yrkanden' })
  @OptionalText(TEXTS.proposals)
  proposals?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'Beslutsgång' })
  @OptionalText(TEXTS.decisionProcess)
  decisionProcess?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'Överläggning' })
  @OptionalText(TEXTS.deliberation)
  deliberation?: string | null;

  @ApiProperty({ example: 'Förslaget skickas på remiss till samtliga nämnder och bolag.' })
  @IsText({ max: TEXTS.decision })
  decision: string;

  @ApiPropertyOptional({ nullable: true, description: 'Reservationer' })
  @OptionalText(TEXTS.reservations)
  reservations?: string | null;

  @ApiPropertyOptional({
    type: 'array',
    items: { oneOf: [{ type: 'integer' }, { type: 'string' }] },
    example: [4, 'Kommunledningskontoret'],
    description: 'Expedieras till: organisation ids or names',
  })
  @IsOptional()
  @IsSendToList()
  sendTo?: (number | string)[];
}

/** Every field optional; `null` clears the optional ones. Only while the § is not adjusted. */
export class UpdateItemDto {
  @ApiPropertyOptional()
  @IsText({ max: 500, line: true, optional: true })
  title?: string;

  @ApiPropertyOptional({ nullable: true, type: Number })
  @ValidateIf(present)
  @IsInt()
  @Min(1)
  caseId?: number | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @OptionalText(TEXTS.documents)
  documents?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @OptionalText(TEXTS.background)
  background?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @OptionalText(TEXTS.proposals)
  proposals?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @OptionalText(TEXTS.decisionProcess)
  decisionProcess?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @OptionalText(TEXTS.deliberation)
  deliberation?: string | null;

  @ApiPropertyOptional()
  @IsText({ max: TEXTS.decision, optional: true })
  decision?: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @OptionalText(TEXTS.reservations)
  reservations?: string | null;

  @ApiPropertyOptional({
    type: 'array',
    items: { oneOf: [{ type: 'integer' }, { type: 'string' }] },
  })
  @IsOptional()
  @IsSendToList()
  sendTo?: (number | string)[];
}

export class ReorderItemsDto {
  @ApiProperty({
    type: [Number],
    example: [12, 10, 11],
    description: 'Every item id, in the new order',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique({ message: 'itemIds must not repeat an id' })
  @IsInt({ each: true })
  @Min(1, { each: true })
  itemIds: number[];
}

export class DispatchDto {
  @ApiProperty({
    type: [Number],
    example: [4, 7],
    description: 'Organisations to send the extract to',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ArrayUnique({ message: 'organisationIds must not repeat an id' })
  @IsInt({ each: true })
  @Min(1, { each: true })
  organisationIds: number[];
}

export class ParagraphSequenceDto {
  @ApiPropertyOptional({
    example: 2026,
    description: 'The year whose numbering continues; left out for organisations that never reset',
  })
  @IsOptional()
  @IsInt()
  @Min(1900)
  @Max(2999)
  year?: number;

  @ApiProperty({ example: 120, description: 'The number the next paragraph gets' })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  next: number;
}
